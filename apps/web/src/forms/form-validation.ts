import {
  checkPasswordLength,
  emailSchema,
  registerInput,
  totpCodeInput,
  verifyMfaInput,
} from "@sesame/contracts";

/** A message per field that needs fixing; empty when the form may be sent. */
export type FieldErrors<F extends string> = Partial<Record<F, string>>;

const LENGTH_MESSAGE = {
  too_short: "Use at least 8 characters.",
  too_long: "Use at most 1024 characters.",
} as const;

function emailError(email: string): string | undefined {
  if (email.trim() === "") return "Enter your email address.";
  const parsed = emailSchema.safeParse(email);
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? "Enter a valid email.");
}

function newPasswordError(password: string): string | undefined {
  const problem = checkPasswordLength(password);
  return problem ? LENGTH_MESSAGE[problem] : undefined;
}

function currentPasswordError(password: string): string | undefined {
  return password === "" ? "Enter your current password." : undefined;
}

/** A code from an authenticator app, by the contract the server checks (six digits, spaces forgiven). */
function totpCodeError(code: string): string | undefined {
  const parsed = totpCodeInput.shape.code.safeParse(code);
  return parsed.success ? undefined : "Enter the 6-digit code from your authenticator app.";
}

function recoveryCodeError(code: string): string | undefined {
  if (code.trim() === "") return "Enter one of your recovery codes.";
  const parsed = verifyMfaInput.shape.recoveryCode.unwrap().safeParse(code);
  return parsed.success ? undefined : "A recovery code looks like this: 4f7k-2m9q-x3ab.";
}

function compact<F extends string>(errors: Record<F, string | undefined>): FieldErrors<F> {
  return Object.fromEntries(
    Object.entries(errors).filter(([, message]) => message !== undefined),
  ) as FieldErrors<F>;
}

/**
 * The sign-up form against the shared `registerInput` contract and the
 * password length rule the server enforces; the common-password check stays
 * on the server, which answers WEAK_PASSWORD with its reason.
 */
export function validateSignUp(values: { name: string; email: string; password: string }) {
  const name = values.name.trim();
  const nameCheck = registerInput.shape.name.safeParse(name || undefined);
  return compact({
    name: nameCheck.success ? undefined : nameCheck.error.issues[0]?.message,
    email: emailError(values.email),
    password: newPasswordError(values.password),
  });
}

export function validateLogIn(values: { email: string; password: string }) {
  return compact({
    email: emailError(values.email),
    password: values.password === "" ? "Enter your password." : undefined,
  });
}

export function validateChangePassword(values: { currentPassword: string; newPassword: string }) {
  return compact({
    currentPassword: currentPasswordError(values.currentPassword),
    newPassword: newPasswordError(values.newPassword),
  });
}

/** Asking for a link by mail (a password reset, a sign-in link): just the address. */
export function validateEmailRequest(values: { email: string }) {
  return compact({ email: emailError(values.email) });
}

/** A new password chosen through a reset link: the sign-up rule. */
export function validateResetPassword(values: { newPassword: string }) {
  return compact({ newPassword: newPasswordError(values.newPassword) });
}

/** `currentEmail`: the account's address now, which the change must move away from. */
export function validateChangeEmail(
  values: { newEmail: string; currentPassword: string },
  currentEmail: string,
) {
  const unchanged = values.newEmail.trim().toLowerCase() === currentEmail.toLowerCase();
  return compact({
    newEmail:
      emailError(values.newEmail) ?? (unchanged ? "This is already your address." : undefined),
    currentPassword: values.currentPassword === "" ? "Enter your current password." : undefined,
  });
}

/** Turning two-factor on begins with the password: whoever finds the screen unlocked cannot. */
export function validateCurrentPassword(values: { currentPassword: string }) {
  return compact({ currentPassword: currentPasswordError(values.currentPassword) });
}

/** The code that confirms a new authenticator app. */
export function validateTotpCode(values: { code: string }) {
  return compact({ code: totpCodeError(values.code) });
}

/** Turning two-factor off, or new recovery codes: the password and a current code. */
export function validatePasswordAndCode(values: { currentPassword: string; code: string }) {
  return compact({
    currentPassword: currentPasswordError(values.currentPassword),
    code: totpCodeError(values.code),
  });
}

/** The second step of a log-in: the app's code, or a recovery code instead. */
export function validateSecondFactor(values: { code: string }, method: "totp" | "recovery_code") {
  return compact({
    code: method === "totp" ? totpCodeError(values.code) : recoveryCodeError(values.code),
  });
}

/** The server's per-field verdicts (INVALID_INPUT issues) for the fields this form has. */
export function serverFieldErrors<F extends string>(
  issues: ReadonlyArray<{ path: string; message: string }> | undefined,
  fields: readonly F[],
): FieldErrors<F> {
  const errors: FieldErrors<F> = {};
  for (const issue of issues ?? []) {
    const field = fields.find((name) => name === issue.path);
    if (field && errors[field] === undefined) errors[field] = issue.message;
  }
  return errors;
}
