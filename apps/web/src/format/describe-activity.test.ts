import { AUDIT_EVENT_TYPES } from "@sesame/contracts";
import { describe, expect, it } from "vitest";
import {
  type ActivityEvent,
  describeActivity,
  isFromSession,
  sessionUserAgents,
  visibleActivity,
} from "./describe-activity.ts";

const event = (
  type: string,
  sessionId: string | null = null,
  userAgent: string | null = null,
  count = 1,
) => ({ type, sessionId, userAgent, count }) satisfies ActivityEvent;

describe("describeActivity", () => {
  it("says every event type in plain words", () => {
    const titles = Object.fromEntries(
      AUDIT_EVENT_TYPES.map((type) => [type, describeActivity(type).title]),
    );
    expect(titles).toEqual({
      register: "Account created",
      login_succeeded: "Signed in",
      login_failed: "Wrong password entered",
      login_throttled: "Sign-in attempts paused",
      refresh: "Session refreshed",
      refresh_reuse_detected: "Someone reused an old sign-in token; that session was ended",
      logout: "Signed out",
      logout_all: "Signed out everywhere",
      session_revoked: "A device was signed out",
      password_changed: "Password changed",
      account_disabled: "Account disabled",
      email_verification_requested: "New link to confirm your email address",
      email_verified: "Email address confirmed",
      password_reset_requested: "Password reset requested",
      password_reset: "Password reset with an emailed link",
      email_change_requested: "Email address change requested",
      email_changed: "Email address changed",
      sign_in_link_requested: "Sign-in link requested",
      sign_in_link_used: "Signed in with an emailed link",
      email_sent: "Email sent to you",
      email_failed: "An email to you could not be delivered",
      email_link_expired: "An expired email link was opened",
      totp_added: "Authenticator app set-up started",
      totp_enabled: "Two-factor authentication turned on",
      totp_disabled: "Two-factor authentication turned off",
      recovery_codes_regenerated: "New recovery codes made",
      recovery_code_used: "Recovery code used to log in",
      mfa_failed: "Wrong code entered",
      passkey_added: "Passkey added",
      passkey_removed: "Passkey removed",
      passkey_counter_regressed: "A copied passkey was refused",
      oauth_sign_in: "Signed in with another account",
      identity_linked: "Sign-in account linked",
      identity_unlinked: "Sign-in account unlinked",
    });
    // No two kinds of event read the same.
    expect(new Set(Object.values(titles)).size).toBe(AUDIT_EVENT_TYPES.length);
  });

  it("marks the events worth a second look", () => {
    const tones = Object.fromEntries(
      AUDIT_EVENT_TYPES.map((type) => [type, describeActivity(type).tone]),
    );
    expect(tones).toMatchObject({
      login_succeeded: "routine",
      refresh: "routine",
      login_failed: "notice",
      login_throttled: "notice",
      refresh_reuse_detected: "alarm",
      account_disabled: "alarm",
      // What someone with the password or the mailbox could do behind the owner's back.
      password_reset_requested: "notice",
      password_reset: "notice",
      email_change_requested: "notice",
      email_changed: "notice",
      email_failed: "notice",
      sign_in_link_used: "routine",
      email_sent: "routine",
      // A second factor changed, or was used or got wrong: what an owner should know of.
      totp_added: "routine",
      totp_enabled: "notice",
      totp_disabled: "notice",
      recovery_codes_regenerated: "notice",
      recovery_code_used: "notice",
      mfa_failed: "notice",
    });
  });

  it("says what a change of second factor did", () => {
    expect(describeActivity("totp_added").detail).toBe(
      "It takes effect only once a code from the app confirms it.",
    );
    expect(describeActivity("totp_disabled").detail).toBe(
      "Every other device was signed out. Logging in asks for the password only.",
    );
    expect(describeActivity("recovery_codes_regenerated").detail).toBe(
      "The earlier recovery codes no longer work.",
    );
    expect(describeActivity("mfa_failed").detail).toBe(
      "The password was right but the authenticator code was not. Not you? Change your password.",
    );
  });

  it("says what the emailed links did and what to do about them", () => {
    expect(describeActivity("password_reset").detail).toBe("Every device was signed out.");
    expect(describeActivity("password_reset_requested").detail).toBe(
      "A link to choose a new password was mailed to you. Not you? Ignore the mail.",
    );
    expect(describeActivity("email_change_requested").detail).toBe(
      "The address changes only once the link mailed to the new one is opened.",
    );
    expect(describeActivity("email_failed").detail).toBe(
      "Sesame gave up after several tries. Ask for the link again in a while.",
    );
    expect(describeActivity("email_sent").detail).toBeUndefined();
    // Mail is not folded today; if it ever is, the row still reads right.
    expect(describeActivity("email_sent", undefined, 3).title).toBe("Email sent to you (3 times)");
  });

  it("explains what could worry, and says what to do about a reused token", () => {
    expect(describeActivity("login_failed").detail).toBe(
      "Someone tried to sign in with the wrong password.",
    );
    expect(describeActivity("password_changed").detail).toBe("Every other device was signed out.");
    expect(describeActivity("refresh_reuse_detected").detail).toBe(
      "If you don't recognise this, change your password.",
    );
    expect(describeActivity("login_succeeded").detail).toBeUndefined();
  });

  it("names the device whose session the event ended, when it is known", () => {
    expect(describeActivity("session_revoked", "Firefox on Windows").detail).toBe(
      "Signed out: Firefox on Windows.",
    );
    expect(describeActivity("session_revoked").detail).toBeUndefined();
    expect(describeActivity("refresh_reuse_detected", "Safari on iOS").detail).toBe(
      "That session was on Safari on iOS. If you don't recognise this, change your password.",
    );
    // Other events ended no other session: the device changes nothing.
    expect(describeActivity("logout", "Chrome on Linux")).toEqual(describeActivity("logout"));
  });

  it("names the provider of a sign-in, a sign-up, a link and an unlink", () => {
    const google = { provider: "google" };
    expect(describeActivity("oauth_sign_in", undefined, 1, google)).toEqual({
      title: "Signed in with Google",
      tone: "routine",
    });
    expect(describeActivity("oauth_sign_in", undefined, 1, { provider: "github" }).title).toBe(
      "Signed in with GitHub",
    );
    // A provider of the server's own configuration goes by its id.
    expect(describeActivity("oauth_sign_in", undefined, 1, { provider: "acme-sso" }).title).toBe(
      "Signed in with acme-sso",
    );
    expect(describeActivity("register", undefined, 1, google).title).toBe(
      "Account created with Google",
    );
    expect(describeActivity("identity_linked", undefined, 1, google)).toEqual({
      title: "Google account linked",
      detail: "It can now sign you in to Sesame.",
      tone: "notice",
    });
    expect(describeActivity("identity_unlinked", undefined, 1, google).title).toBe(
      "Google account unlinked",
    );
    // A provider named "toString" is no lookup into the object's prototype.
    expect(describeActivity("oauth_sign_in", undefined, 1, { provider: "toString" }).title).toBe(
      "Signed in with toString",
    );
  });

  it("says how many recovery codes are left, and what to do when none are", () => {
    expect(describeActivity("recovery_code_used", undefined, 1, { remaining: 7 })).toEqual({
      title: "Recovery code used (7 left)",
      detail: "That code can't be used again. Not you? Change your password.",
      tone: "notice",
    });
    expect(describeActivity("recovery_code_used", undefined, 1, { remaining: 0 })).toEqual({
      title: "Recovery code used (none left)",
      detail: "That was the last one: make new recovery codes on the Security page.",
      tone: "notice",
    });
  });

  it("reads an event without a detail, or with one its type does not use, by its type alone", () => {
    expect(describeActivity("oauth_sign_in", undefined, 1, {})).toEqual(
      describeActivity("oauth_sign_in"),
    );
    expect(describeActivity("recovery_code_used", undefined, 1, { provider: "google" })).toEqual(
      describeActivity("recovery_code_used"),
    );
    expect(describeActivity("login_succeeded", undefined, 1, { provider: "google" })).toEqual(
      describeActivity("login_succeeded"),
    );
    // Folded rows keep the detail's words and say how many.
    expect(describeActivity("oauth_sign_in", undefined, 2, { provider: "google" }).title).toBe(
      "Signed in with Google (2 times)",
    );
  });

  it("still says something for an event type this app does not know yet", () => {
    expect(describeActivity("api_key_created")).toEqual({
      title: "Security event",
      tone: "routine",
    });
    expect(describeActivity("toString").title).toBe("Security event");
    expect(describeActivity("api_key_created", undefined, 3).title).toBe("3 security events");
  });

  it("says how many events a folded row stands for, keeping its detail and tone", () => {
    expect(describeActivity("login_failed", undefined, 12)).toEqual({
      title: "12 failed sign-in attempts",
      detail: "Someone tried to sign in with the wrong password.",
      tone: "notice",
    });
    expect(describeActivity("login_throttled", undefined, 99).title).toBe(
      "99 sign-in attempts refused while paused",
    );
    // Wrong second-factor codes fold like wrong passwords.
    expect(describeActivity("mfa_failed", undefined, 5)).toEqual({
      title: "5 wrong codes entered",
      detail: describeActivity("mfa_failed").detail,
      tone: "notice",
    });
    expect(describeActivity("refresh", undefined, 4).title).toBe("Session refreshed 4 times");
    // A type the server does not fold today still reads right if it ever does.
    expect(describeActivity("logout", undefined, 2).title).toBe("Signed out (2 times)");
    // One event reads as before.
    expect(describeActivity("login_failed", undefined, 1)).toEqual(
      describeActivity("login_failed"),
    );
  });
});

describe("sessionUserAgents", () => {
  it("takes each session's user agent from the sign-up or sign-in (password or link) that began it", () => {
    const agents = sessionUserAgents([
      event("session_revoked", "s2", "Chrome UA"),
      event("refresh", "s2", "Chrome UA"),
      event("login_succeeded", "s2", "Firefox UA"),
      event("login_failed", null, "Curl UA"),
      event("sign_in_link_used", "s3", "Safari UA"),
      event("sign_in_link_requested", "s4", "Edge UA"),
      event("register", "s1", null),
    ]);
    expect([...agents]).toEqual([
      ["s2", "Firefox UA"],
      ["s3", "Safari UA"],
      ["s1", null],
    ]);
  });
});

describe("isFromSession", () => {
  it("marks what the current session did, not what was done to another session", () => {
    expect(isFromSession(event("login_succeeded", "s1"), "s1")).toBe(true);
    expect(isFromSession(event("refresh", "s1"), "s1")).toBe(true);
    expect(isFromSession(event("login_succeeded", "s2"), "s1")).toBe(false);
    expect(isFromSession(event("login_failed", null), "s1")).toBe(false);
    expect(isFromSession(event("session_revoked", "s1"), "s1")).toBe(false);
    expect(isFromSession(event("login_failed", null), undefined)).toBe(false);
  });
});

describe("visibleActivity", () => {
  const events = [
    event("refresh", "s1", null, 5),
    event("login_succeeded", "s1"),
    event("refresh", "s0"),
    event("login_failed", null, null, 3),
  ];

  it("hides session refreshes and counts them, every one a folded row stands for", () => {
    const { shown, refreshes } = visibleActivity(events, false);
    expect(shown.map((e) => e.type)).toEqual(["login_succeeded", "login_failed"]);
    expect(refreshes).toBe(6);
  });

  it("shows everything, in the same order, when asked", () => {
    const { shown, refreshes } = visibleActivity(events, true);
    expect(shown).toEqual(events);
    expect(refreshes).toBe(6);
  });
});
