import { Navigate, Route, Routes } from "react-router";
import { AppShell } from "../components/app-shell.tsx";
import { AccountPage } from "../pages/account-page.tsx";
import { ActivityPage } from "../pages/activity-page.tsx";
import { ChangePasswordPage } from "../pages/change-password-page.tsx";
import { ConfirmEmailPage } from "../pages/confirm-email-page.tsx";
import { DevicesPage } from "../pages/devices-page.tsx";
import { EmailSignInPage } from "../pages/email-sign-in-page.tsx";
import { ForgotPasswordPage } from "../pages/forgot-password-page.tsx";
import { LogInPage } from "../pages/log-in-page.tsx";
import { ResetPasswordPage } from "../pages/reset-password-page.tsx";
import { SecurityPage } from "../pages/security-page.tsx";
import { SignInLinkPage } from "../pages/sign-in-link-page.tsx";
import { SignUpPage } from "../pages/sign-up-page.tsx";
import { VerifyEmailPage } from "../pages/verify-email-page.tsx";
import { RequireSignedIn, RequireSignedOut } from "./route-guards.tsx";

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<RequireSignedOut />}>
        <Route path="/login" element={<LogInPage />} />
        <Route path="/signup" element={<SignUpPage />} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
        <Route path="/email-sign-in" element={<EmailSignInPage />} />
      </Route>
      {/* The pages emailed links open (`<page>#token=…`): signed in or not, the link works. */}
      <Route path="/verify-email" element={<VerifyEmailPage />} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route path="/confirm-email" element={<ConfirmEmailPage />} />
      <Route path="/sign-in-link" element={<SignInLinkPage />} />
      <Route element={<RequireSignedIn />}>
        <Route element={<AppShell />}>
          <Route path="/account" element={<AccountPage />} />
          <Route path="/devices" element={<DevicesPage />} />
          <Route path="/password" element={<ChangePasswordPage />} />
          <Route path="/activity" element={<ActivityPage />} />
          <Route path="/security" element={<SecurityPage />} />
        </Route>
      </Route>
      <Route path="*" element={<Navigate to="/account" replace />} />
    </Routes>
  );
}
