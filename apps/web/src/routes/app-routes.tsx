import { Navigate, Route, Routes } from "react-router";
import { AppShell } from "../components/app-shell.tsx";
import { AccountPage } from "../pages/account-page.tsx";
import { ActivityPage } from "../pages/activity-page.tsx";
import { ChangePasswordPage } from "../pages/change-password-page.tsx";
import { DevicesPage } from "../pages/devices-page.tsx";
import { LogInPage } from "../pages/log-in-page.tsx";
import { SignUpPage } from "../pages/sign-up-page.tsx";
import { RequireSignedIn, RequireSignedOut } from "./route-guards.tsx";

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<RequireSignedOut />}>
        <Route path="/login" element={<LogInPage />} />
        <Route path="/signup" element={<SignUpPage />} />
      </Route>
      <Route element={<RequireSignedIn />}>
        <Route element={<AppShell />}>
          <Route path="/account" element={<AccountPage />} />
          <Route path="/devices" element={<DevicesPage />} />
          <Route path="/password" element={<ChangePasswordPage />} />
          <Route path="/activity" element={<ActivityPage />} />
        </Route>
      </Route>
      <Route path="*" element={<Navigate to="/account" replace />} />
    </Routes>
  );
}
