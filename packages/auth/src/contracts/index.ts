/**
 * The wire contracts shared by the server and every client: input and output
 * shapes and the error codes. Safe to import in a browser (zod only).
 */
export {
  AUTH_CODE_MESSAGE,
  AUTH_CODE_TRPC_CODE,
  AUTH_CODES,
  type AuthCode,
  isAuthCode,
} from "./auth-codes.ts";
export {
  auditListInput,
  type ChangePasswordInput,
  changePasswordInput,
  displayNameSchema,
  emailSchema,
  type LoginInput,
  type LogoutInput,
  loginInput,
  logoutInput,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordFieldSchema,
  type RefreshInput,
  type RegisterInput,
  type RevokeSessionInput,
  refreshInput,
  registerInput,
  revokeSessionInput,
  TOKEN_MAX_LENGTH,
  type Transport,
  transportSchema,
} from "./inputs.ts";
export {
  AUDIT_EVENT_TYPES,
  type AuditEvent,
  type AuditEventType,
  type AuthResult,
  auditEventListSchema,
  auditEventSchema,
  authResultSchema,
  type LogoutAllResult,
  logoutAllResultSchema,
  type Ok,
  okSchema,
  type Role,
  roleSchema,
  type Session,
  sessionListSchema,
  sessionSchema,
  type User,
  userSchema,
} from "./outputs.ts";
export { checkPasswordLength, type PasswordLengthProblem } from "./password-length.ts";
