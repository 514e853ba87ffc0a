import { useAuth } from "@sesame/client/react";
import { NotesPage } from "./notes-page.tsx";
import { SignInForm } from "./sign-in-form.tsx";

export function App() {
  const { restoring, signedIn, reason } = useAuth();
  if (restoring) return <main aria-busy="true">Loading…</main>;
  if (!signedIn) return <SignInForm reason={reason} />;
  return <NotesPage />;
}
