import type { AuditDetail, AuditEventType } from "@sesame/contracts";

/** How much an event deserves a second look: most are routine, a few are worth checking. */
export type ActivityTone = "routine" | "notice" | "alarm";

export interface ActivityDescription {
  title: string;
  /** A sentence more, where the title alone could puzzle or worry. */
  detail?: string;
  tone: ActivityTone;
}

/** What `audit.list` needs to hold for the words; the server's `AuditEvent` fits. */
export interface ActivityEvent {
  type: string;
  sessionId: string | null;
  userAgent: string | null;
  /** How many events the row stands for: repeated ones come folded into one row. */
  count: number;
}

const DESCRIPTIONS: Record<AuditEventType, ActivityDescription> = {
  register: { title: "Account created", tone: "routine" },
  login_succeeded: { title: "Signed in", tone: "routine" },
  login_failed: {
    title: "Wrong password entered",
    detail: "Someone tried to sign in with the wrong password.",
    tone: "notice",
  },
  login_throttled: {
    title: "Sign-in attempts paused",
    detail: "Too many wrong passwords in a row, so signing in was paused for a while.",
    tone: "notice",
  },
  refresh: { title: "Session refreshed", tone: "routine" },
  refresh_reuse_detected: {
    title: "Someone reused an old sign-in token; that session was ended",
    detail: "If you don't recognise this, change your password.",
    tone: "alarm",
  },
  logout: { title: "Signed out", tone: "routine" },
  logout_all: {
    title: "Signed out everywhere",
    detail: "Every device was signed out.",
    tone: "routine",
  },
  session_revoked: { title: "A device was signed out", tone: "routine" },
  password_changed: {
    title: "Password changed",
    detail: "Every other device was signed out.",
    tone: "routine",
  },
  account_disabled: {
    title: "Account disabled",
    detail: "An administrator disabled the account and every device was signed out.",
    tone: "alarm",
  },
  // At sign-up, or when "Resend" was pressed.
  email_verification_requested: {
    title: "New link to confirm your email address",
    tone: "routine",
  },
  email_verified: { title: "Email address confirmed", tone: "routine" },
  // Anyone can ask for a reset of any address: worth a look, harmless without the mailbox.
  password_reset_requested: {
    title: "Password reset requested",
    detail: "A link to choose a new password was mailed to you. Not you? Ignore the mail.",
    tone: "notice",
  },
  password_reset: {
    title: "Password reset with an emailed link",
    detail: "Every device was signed out.",
    tone: "notice",
  },
  email_change_requested: {
    title: "Email address change requested",
    detail: "The address changes only once the link mailed to the new one is opened.",
    tone: "notice",
  },
  email_changed: {
    title: "Email address changed",
    detail: "Links mailed to the old address no longer work.",
    tone: "notice",
  },
  sign_in_link_requested: {
    title: "Sign-in link requested",
    detail: "Nobody can sign in with it without opening the mail.",
    tone: "routine",
  },
  sign_in_link_used: { title: "Signed in with an emailed link", tone: "routine" },
  email_sent: { title: "Email sent to you", tone: "routine" },
  email_failed: {
    title: "An email to you could not be delivered",
    detail: "Sesame gave up after several tries. Ask for the link again in a while.",
    tone: "notice",
  },
  email_link_expired: {
    title: "An expired email link was opened",
    detail: "It no longer works; a new one can be asked for.",
    tone: "routine",
  },
  // The first half of turning two-factor on (the password was given); nothing changes until a code confirms it.
  totp_added: {
    title: "Authenticator app set-up started",
    detail: "It takes effect only once a code from the app confirms it.",
    tone: "routine",
  },
  // Whoever holds the password could turn it on behind the owner's back and lock them out: worth a look.
  totp_enabled: {
    title: "Two-factor authentication turned on",
    detail: "Logging in now also asks for a code from the authenticator app.",
    tone: "notice",
  },
  totp_disabled: {
    title: "Two-factor authentication turned off",
    detail: "Every other device was signed out. Logging in asks for the password only.",
    tone: "notice",
  },
  recovery_codes_regenerated: {
    title: "New recovery codes made",
    detail: "The earlier recovery codes no longer work.",
    tone: "notice",
  },
  // It finished a log-in whose own event ("Signed in") sits next to it.
  recovery_code_used: {
    title: "Recovery code used to log in",
    detail: "That code can't be used again. Not you? Change your password.",
    tone: "notice",
  },
  // Only someone who got the password right reaches the code step.
  mfa_failed: {
    title: "Wrong code entered",
    detail:
      "The password was right but the authenticator code was not. Not you? Change your password.",
    tone: "notice",
  },
  passkey_added: {
    title: "Passkey added",
    detail: "It can now sign you in without a password.",
    tone: "routine",
  },
  passkey_removed: {
    title: "Passkey removed",
    tone: "routine",
  },
  passkey_counter_regressed: {
    title: "A copied passkey was refused",
    detail:
      "A passkey answered as an older copy of itself would. If you did not just restore a device, remove that passkey.",
    tone: "alarm",
  },
  oauth_sign_in: { title: "Signed in with another account", tone: "routine" },
  identity_linked: {
    title: "Sign-in account linked",
    detail: "It can now sign you in to Sesame.",
    tone: "notice",
  },
  identity_unlinked: { title: "Sign-in account unlinked", tone: "routine" },
};

const isKnownType = (type: string): type is AuditEventType => Object.hasOwn(DESCRIPTIONS, type);

/** Titles for a row that stands for `n` events, for the types the server folds. */
const COUNTED_TITLES: Partial<Record<AuditEventType, (n: number) => string>> = {
  login_failed: (n) => `${n} failed sign-in attempts`,
  login_throttled: (n) => `${n} sign-in attempts refused while paused`,
  refresh: (n) => `Session refreshed ${n} times`,
  mfa_failed: (n) => `${n} wrong codes entered`,
};

/**
 * The names of the preset providers as people know them; any other provider
 * (an OpenID Connect one from the server's configuration) by its id.
 */
const PROVIDER_NAMES: Record<string, string> = { google: "Google", github: "GitHub" };

const providerName = (id: string): string =>
  Object.hasOwn(PROVIDER_NAMES, id) ? (PROVIDER_NAMES[id] as string) : id;

/**
 * The words of an event whose detail says more than its type: which provider
 * signed in or was linked, how many recovery codes are left. Without a detail
 * (an older server's event) the type's own words stand.
 */
function withDetail(
  type: AuditEventType,
  description: ActivityDescription,
  detail: AuditDetail | undefined,
): ActivityDescription {
  const { provider, remaining } = detail ?? {};
  if (provider !== undefined) {
    const name = providerName(provider);
    if (type === "oauth_sign_in") return { ...description, title: `Signed in with ${name}` };
    if (type === "register") return { ...description, title: `Account created with ${name}` };
    if (type === "identity_linked") return { ...description, title: `${name} account linked` };
    if (type === "identity_unlinked") return { ...description, title: `${name} account unlinked` };
  }
  if (type === "recovery_code_used" && remaining !== undefined) {
    if (remaining === 0) {
      return {
        ...description,
        title: "Recovery code used (none left)",
        detail: "That was the last one: make new recovery codes on the Security page.",
      };
    }
    return { ...description, title: `Recovery code used (${remaining} left)` };
  }
  return description;
}

/**
 * A security event in plain words. `endedDevice` names the device whose
 * session the event ended ("Firefox on Windows"), when it is known: a device
 * signed out from elsewhere, or a session ended for a reused token. `count`
 * is how many events the row stands for ("12 failed sign-in attempts").
 * `detail` is the event's own (`AuditEvent.detail`): "Signed in with Google",
 * "Recovery code used (7 left)".
 */
export function describeActivity(
  type: string,
  endedDevice?: string,
  count = 1,
  detail?: AuditDetail,
): ActivityDescription {
  // A server newer than this app may know more kinds of event.
  if (!isKnownType(type))
    return { title: count > 1 ? `${count} security events` : "Security event", tone: "routine" };
  const description = withDetail(type, DESCRIPTIONS[type], detail);
  if (count > 1) {
    const counted = COUNTED_TITLES[type];
    const { title, ...rest } = description;
    return { ...rest, title: counted ? counted(count) : `${title} (${count} times)` };
  }
  if (!endedDevice) return description;
  if (type === "session_revoked") return { ...description, detail: `Signed out: ${endedDevice}.` };
  if (type === "refresh_reuse_detected")
    return { ...description, detail: `That session was on ${endedDevice}. ${description.detail}` };
  return description;
}

/** Event types whose `sessionId` is a session the event ended, not the one that acted. */
const ENDS_ANOTHER_SESSION = new Set(["session_revoked", "refresh_reuse_detected"]);

/** The event types that begin a session: sign-up, and sign-in with a password, an emailed link or another account. */
const BEGINS_SESSION = new Set([
  "register",
  "login_succeeded",
  "sign_in_link_used",
  "oauth_sign_in",
]);

/**
 * The user agent of each session as the event that began it recorded it,
 * for naming a session that an event ended.
 */
export function sessionUserAgents(events: readonly ActivityEvent[]): Map<string, string | null> {
  const agents = new Map<string, string | null>();
  for (const event of events) {
    if (event.sessionId && BEGINS_SESSION.has(event.type))
      agents.set(event.sessionId, event.userAgent);
  }
  return agents;
}

/** Whether the event was made by the session this browser is using now. */
export const isFromSession = (event: ActivityEvent, sessionId: string | undefined): boolean =>
  sessionId !== undefined && event.sessionId === sessionId && !ENDS_ANOTHER_SESSION.has(event.type);

/**
 * Session refreshes happen on every page load and every few minutes of use:
 * they are hidden unless asked for, and counted (every one a row stands for)
 * so the toggle can say how many.
 */
export function visibleActivity<E extends ActivityEvent>(
  events: readonly E[],
  showRefreshes: boolean,
): { shown: E[]; refreshes: number } {
  const refreshes = events
    .filter((event) => event.type === "refresh")
    .reduce((sum, event) => sum + event.count, 0);
  const shown = showRefreshes ? [...events] : events.filter((event) => event.type !== "refresh");
  return { shown, refreshes };
}
