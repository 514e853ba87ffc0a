import type { SessionChannel } from "../core/primitives.ts";

/**
 * BroadcastChannel semantics without a browser: a message reaches every other
 * channel of the hub, asynchronously and as a structured clone, never the sender.
 */
export class FakeBroadcastHub {
  readonly posted: unknown[] = [];
  private readonly listeners = new Set<{ owner: object; listener: (message: unknown) => void }>();

  channel(): SessionChannel<unknown> {
    const owner = {};
    return {
      post: (message) => {
        this.posted.push(message);
        for (const entry of this.listeners) {
          if (entry.owner === owner) continue;
          const copy = structuredClone(message);
          void Promise.resolve().then(() => entry.listener(copy));
        }
      },
      subscribe: (listener) => {
        const entry = { owner, listener };
        this.listeners.add(entry);
        return () => this.listeners.delete(entry);
      },
    };
  }
}
