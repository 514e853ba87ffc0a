import type { LockManager } from "./primitives.ts";

/**
 * A lock held within one JavaScript realm: enough where there is only one
 * instance of the app (React Native, a CLI), and the fallback for browsers
 * without the Web Locks API. Tasks run one after another in call order.
 */
export function inProcessLock(): LockManager {
  const tails = new Map<string, Promise<unknown>>();
  return {
    withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(name) ?? Promise.resolve();
      const run = previous.then(task);
      const tail = run.catch(() => {});
      tails.set(name, tail);
      void tail.then(() => {
        if (tails.get(name) === tail) tails.delete(name);
      });
      return run;
    },
  };
}
