import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";

export interface KeyFileLockOptions {
  /** How long to wait for another process's lock before giving up. */
  timeoutMs?: number;
}

/** A lock file that names no pid is being written, or its writer died between creating and writing it. */
const UNNAMED_LOCK_GRACE_MS = 5_000;

/**
 * Runs `work` (a read-modify-write of the key file) while holding
 * `<file>.lock`, so two `pnpm keys rotate` at once run one after the other:
 * without it both read the same set, each promotes the same next key and
 * generates its own, and the later write silently drops the other's key. The
 * lock is a file created exclusively (`wx`, 0600) holding the holder's pid;
 * it is waited for up to `timeoutMs`, and broken when that pid is no longer
 * alive (a holder killed mid-rotation), so it never needs removing by hand
 * unless its pid has been reused.
 */
export async function withKeyFileLock<T>(
  file: string,
  work: () => Promise<T>,
  { timeoutMs = 10_000 }: KeyFileLockOptions = {},
): Promise<T> {
  const lock = `${file}.lock`;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + timeoutMs;
  while (!tryCreate(lock)) {
    if (breakIfStale(lock)) continue;
    if (Date.now() >= deadline) {
      const holder = readHolder(lock)?.pid;
      throw new Error(
        `${file} is locked by ${holder ? `process ${holder}` : "another process"} (${lock}) and stayed locked for ${timeoutMs / 1000} s. If no other \`pnpm keys\` is running, delete ${lock}.`,
      );
    }
    // Jittered, so waiters that started together do not keep colliding.
    await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
  }
  try {
    return await work();
  } finally {
    release(lock);
  }
}

function tryCreate(lock: string): boolean {
  let fd: number;
  try {
    fd = openSync(lock, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

interface Holder {
  pid: number | undefined;
  ino: number;
  mtimeMs: number;
}

function readHolder(lock: string): Holder | undefined {
  try {
    const { ino, mtimeMs } = statSync(lock);
    const pid = Number.parseInt(readFileSync(lock, "utf8"), 10);
    return { pid: Number.isInteger(pid) && pid > 0 ? pid : undefined, ino, mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes a lock whose holder is dead; answers whether the lock is gone (try again at once).
 * Two waiters may find the same stale lock: the lock is moved aside rather than
 * deleted, and if what was moved is not the stale lock but a fresh one another
 * waiter just took, it is put back, so a breaker never deletes a live lock.
 */
function breakIfStale(lock: string): boolean {
  const holder = readHolder(lock);
  if (holder === undefined) return true;
  const stale =
    holder.pid === undefined
      ? Date.now() - holder.mtimeMs > UNNAMED_LOCK_GRACE_MS
      : !isAlive(holder.pid);
  if (!stale) return false;
  const aside = `${lock}.${process.pid}.stale`;
  try {
    renameSync(lock, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw error;
  }
  if (statSync(aside).ino !== holder.ino) {
    try {
      linkSync(aside, lock);
    } catch (error) {
      // Only if a third process took the lock within that instant; nothing can be put back then.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  unlinkSync(aside);
  return true;
}

/** Deletes the lock if it is still ours (a waiter that wrongly broke it may have taken it since). */
function release(lock: string): void {
  if (readHolder(lock)?.pid !== process.pid) return;
  try {
    unlinkSync(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
