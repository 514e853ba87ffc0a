import type { MailMessage } from "./mail-transport.ts";

/** The web app's pages that email links open (DESIGN.md): the token travels in the fragment. */
export type LinkPage = "verify-email" | "reset-password" | "confirm-email" | "sign-in-link";

/**
 * `<appUrl>/<page>#token=<token>`: the fragment never reaches a server, so
 * the token stays out of access logs, proxies and Referer headers; the page
 * reads it and posts it to the one procedure that consumes it.
 */
export function linkTo(appUrl: string, page: LinkPage, token: string): string {
  return `${appUrl.replace(/\/$/, "")}/${page}#token=${token}`;
}

/** A lifetime in seconds as people say it: "24 hours", "30 minutes". */
export function describeLifetime(seconds: number): string {
  if (seconds % 3600 === 0) {
    const hours = seconds / 3600;
    return hours === 1 ? "1 hour" : `${hours} hours`;
  }
  const minutes = Math.max(1, Math.round(seconds / 60));
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

interface LinkMail {
  to: string;
  subject: string;
  /** Paragraphs before the link. */
  lead: string[];
  /** The button's words in the HTML part. */
  action: string;
  link: string;
  /** Paragraphs after the link: how long it works, what to do if it was not you. */
  after: string[];
}

/** A mail carrying one link: the text part holds it exactly once, the HTML part as a button. */
function linkMail(mail: LinkMail): MailMessage {
  const text = [...mail.lead, mail.link, ...mail.after].join("\n\n");
  const paragraphs = mail.lead.map((line) => `<p>${escapeHtml(line)}</p>`).join("");
  const footer = mail.after.map((line) => `<p style="color:#555">${escapeHtml(line)}</p>`).join("");
  const href = escapeHtml(mail.link);
  const button = `<p><a href="${href}" style="display:inline-block;padding:10px 18px;background:#1f4fd1;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(mail.action)}</a></p>`;
  return {
    to: mail.to,
    subject: mail.subject,
    text: `${text}\n`,
    html: page(paragraphs + button + footer),
  };
}

/** A mail that only tells: no link at all, so nothing in it can be used by whoever reads it. */
function noticeMail(to: string, subject: string, lines: string[]): MailMessage {
  return {
    to,
    subject,
    text: `${lines.join("\n\n")}\n`,
    html: page(lines.map((line) => `<p>${escapeHtml(line)}</p>`).join("")),
  };
}

export const mailMessages = {
  verifyEmail: (to: string, link: string, ttl: number): MailMessage =>
    linkMail({
      to,
      subject: "Confirm your email address",
      lead: ["Open this link to confirm that this is your address:"],
      action: "Confirm my address",
      link,
      after: [
        `The link works once and expires in ${describeLifetime(ttl)}.`,
        "If you did not create an account, you can ignore this mail.",
      ],
    }),

  resetPassword: (to: string, link: string, ttl: number): MailMessage =>
    linkMail({
      to,
      subject: "Reset your password",
      lead: [
        "Someone (hopefully you) asked to reset the password of your account. Open this link to choose a new one:",
      ],
      action: "Choose a new password",
      link,
      after: [
        `The link works once and expires in ${describeLifetime(ttl)}. Choosing a new password signs you out everywhere.`,
        "If you did not ask for this, ignore this mail: your password stays as it is.",
      ],
    }),

  signInLink: (to: string, link: string, ttl: number): MailMessage =>
    linkMail({
      to,
      subject: "Your sign-in link",
      lead: ["Open this link to sign in:"],
      action: "Sign in",
      link,
      after: [
        `The link works once and expires in ${describeLifetime(ttl)}.`,
        "If you did not ask for it, ignore this mail: nobody can sign in without it.",
      ],
    }),

  confirmEmailChange: (to: string, link: string, ttl: number): MailMessage =>
    linkMail({
      to,
      subject: "Confirm your new email address",
      lead: ["Open this link to make this the address of your account:"],
      action: "Confirm my new address",
      link,
      after: [
        `The link works once and expires in ${describeLifetime(ttl)}. Until it is opened, your account keeps its old address.`,
        "If you did not ask for this, ignore this mail.",
      ],
    }),

  emailChangeNotice: (to: string, newEmail: string): MailMessage =>
    noticeMail(to, "Your email address is about to change", [
      `Someone signed in to your account asked to change its address to ${newEmail}. The change happens only if the link sent there is opened.`,
      "If this was not you, sign in and change your password now: that signs everyone else out.",
    ]),

  passwordResetNotice: (to: string): MailMessage =>
    noticeMail(to, "Your password was reset", [
      "The password of your account was just reset with a link sent to this address, and every device was signed out.",
      "If this was not you, reset it again at once: someone can read your mail.",
    ]),
};

/** What changed about an account's second factors, for the notice mailed to its owner. */
export type SecondFactorChangeNotice =
  | { kind: "totp_enabled" }
  | { kind: "totp_disabled" }
  | { kind: "recovery_codes_regenerated" }
  | { kind: "recovery_code_used"; left: number };

/** The notice of a second-factor change: no link, only what happened and what to do if it was not you. */
export function secondFactorNotice(to: string, change: SecondFactorChangeNotice): MailMessage {
  const notYou =
    "If this was not you, reset your password now and turn two-factor authentication back on.";
  switch (change.kind) {
    case "totp_enabled":
      return noticeMail(to, "Two-factor authentication is on", [
        "Signing in to your account now also asks for a code from your authenticator app.",
        "Keep your recovery codes somewhere safe: each lets you in once if you lose your phone.",
      ]);
    case "totp_disabled":
      return noticeMail(to, "Two-factor authentication was turned off", [
        "Signing in to your account no longer asks for a code, and every other device was signed out.",
        notYou,
      ]);
    case "recovery_codes_regenerated":
      return noticeMail(to, "New recovery codes", [
        "New recovery codes were made for your account; the old ones no longer work.",
        notYou,
      ]);
    case "recovery_code_used":
      return noticeMail(to, "A recovery code was used", [
        `Someone signed in to your account with a recovery code. ${change.left === 1 ? "1 code is" : `${change.left} codes are`} left.`,
        notYou,
      ]);
  }
}

function page(body: string): string {
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#111">${body}</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}
