import { useAuthState } from "@sesame/client/react";
import { Navigate, Outlet, useLocation } from "react-router";
import { LoadingScreen } from "../components/loading-screen.tsx";

interface ReturnState {
  from?: string;
}

/** Pages of a signed-in user; anyone else lands on login, which brings them back afterwards. */
export function RequireSignedIn() {
  const state = useAuthState();
  const location = useLocation();
  if (state.status === "restoring") return <LoadingScreen />;
  if (state.status === "signed-out") {
    // After choosing to log out, the next login starts afresh; after an interruption it resumes.
    const from: ReturnState =
      state.reason?.code === "SIGNED_OUT" ? {} : { from: location.pathname };
    return <Navigate to="/login" replace state={from} />;
  }
  return <Outlet />;
}

/** Login and sign-up; a signed-in user (here or from another tab) goes on to where they were headed. */
export function RequireSignedOut() {
  const state = useAuthState();
  const location = useLocation();
  if (state.status === "restoring") return <LoadingScreen />;
  if (state.status === "signed-in") {
    const from = (location.state as ReturnState | null)?.from;
    return <Navigate to={from ?? "/account"} replace />;
  }
  return <Outlet />;
}
