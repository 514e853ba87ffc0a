/**
 * The one line an operator reads when Sesame cannot start: what went wrong
 * and what to change, never a stack trace. Unknown errors keep their message.
 */
export function describeStartupError(
  error: unknown,
  env: { PORT?: number; DATABASE_URL?: string },
): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case "EADDRINUSE":
      return `Port ${env.PORT} is already in use. Stop what is using it, or set PORT to another port (PORT=0 picks a free one).`;
    case "EACCES":
      return message.includes("listen")
        ? `Not allowed to listen on port ${env.PORT}. Ports below 1024 need privileges: set PORT to 1024 or above.`
        : `Permission denied: ${message.replace(/^EACCES: permission denied, /, "")}. Check the owner and mode of that path.`;
    case "SQLITE_READONLY":
    case "SQLITE_CANTOPEN":
    case "SQLITE_PERM":
      return `The database ${env.DATABASE_URL} cannot be written (${code}). Check that the file and its folder are writable by this user, or set DATABASE_URL to another path.`;
    case "ENOTDIR":
    case "EEXIST":
    case "EROFS": {
      const path = (error as NodeJS.ErrnoException).path ?? env.DATABASE_URL;
      return `${path} cannot be created there (${code}): a file is in the way, or the folder is read-only. Set DATABASE_URL (and the files kept beside it) to a writable path.`;
    }
  }
  return message;
}
