import { authCodeOf } from "@sesame/client";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useLocation, useNavigate } from "react-router";

/**
 * An account whose role requires a second factor, signed in without one,
 * reaches nothing but its profile and the enrolment itself: every other
 * call answers 403 MFA_ENROLLMENT_REQUIRED. Whichever call it was, on
 * whichever page, the way on is the same, so it is handled once here: the
 * user goes to the Security page, which says why (this answers whether it
 * must) and what to do.
 */
export function useMfaEnrolmentRedirect(): boolean {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [required, setRequired] = useState(false);
  useEffect(() => {
    const redirect = (error: unknown) => {
      if (authCodeOf(error) !== "MFA_ENROLLMENT_REQUIRED") return;
      setRequired(true);
      if (pathname !== "/security") navigate("/security");
    };
    const stopQueries = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === "updated" && event.action.type === "error") redirect(event.action.error);
    });
    const stopMutations = queryClient.getMutationCache().subscribe((event) => {
      if (event.type === "updated" && event.action.type === "error") redirect(event.action.error);
    });
    return () => {
      stopQueries();
      stopMutations();
    };
  }, [queryClient, navigate, pathname]);
  return required;
}
