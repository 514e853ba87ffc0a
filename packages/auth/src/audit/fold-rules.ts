import { AUDIT_EVENT_TYPES, type AuditEventType } from "@sesame/contracts";
import type { FoldInstruction } from "../storage.ts";

/** How long one folded row may run, from its first event: then a new row starts. */
export const AUDIT_FOLD_WINDOW_MS = 60 * 60 * 1000;

/**
 * The most rows of foldable types one account adds per hour. Past it, such an
 * event folds into the account's latest row of its type, so someone who can
 * make an account's events (guessing its password) cannot fill the log with
 * them however they interleave them; other events are always written.
 */
export const AUDIT_ROWS_PER_HOUR = 100;

/** Repeated sign-in failures (wrong passwords, wrong second-factor codes) fold into one row per run. */
const FAILURES = [
  "login_failed",
  "login_throttled",
  "mfa_failed",
] as const satisfies AuditEventType[];

/** Routine refreshes fold into one row per session and hour. */
const ROUTINE = ["refresh"] as const satisfies AuditEventType[];

/** The only event types ever folded; sign-ins, sign-outs and changes always get a row of their own. */
export const FOLDABLE_AUDIT_TYPES: readonly AuditEventType[] = [...FAILURES, ...ROUTINE];

/**
 * What ends a run of failures: any event that is not a failure, such as a
 * sign-in, a refresh or a password change, so the failures before and after
 * it are told apart. A wrong password and a throttled attempt do not end each
 * other's runs: an attacker alternating them would otherwise add two rows per
 * attempt and could still push a sign-in off the page.
 */
const FAILURE_RUN_BREAKERS = AUDIT_EVENT_TYPES.filter(
  (type) => !(FAILURES as readonly AuditEventType[]).includes(type),
);

/** How an event of `type` at `now` is folded, or undefined for a type that never is. */
export function foldInstructionFor(type: AuditEventType, now: number): FoldInstruction | undefined {
  const since = now - AUDIT_FOLD_WINDOW_MS;
  const cap = { types: FOLDABLE_AUDIT_TYPES, since, rows: AUDIT_ROWS_PER_HOUR };
  if ((FAILURES as readonly AuditEventType[]).includes(type)) {
    return { sameSession: false, since, breakers: FAILURE_RUN_BREAKERS, cap };
  }
  if ((ROUTINE as readonly AuditEventType[]).includes(type)) {
    return { sameSession: true, since, breakers: [], cap };
  }
  return undefined;
}

/**
 * Whether an event folds into its own session's run whenever that session has
 * one in the window: nothing else can end such a run (no breakers), and a fold
 * adds no row, so neither the user's other rows nor the cap have a say. A
 * store can then find the run by the session alone, without reading the
 * account's other rows or taking the account's audit lock: a routine refresh
 * costs one indexed update however many sessions the account has. (Past the
 * cap, other events fold into the account's latest row of their type; this
 * one keeps to its session's row, which adds no row either.)
 */
export function foldsIntoSessionRun(fold: FoldInstruction): boolean {
  return fold.sameSession && fold.breakers.length === 0;
}
