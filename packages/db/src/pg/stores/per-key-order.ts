type Pending = Set<Promise<unknown>>;

/**
 * Per key, this process's reads and writes take effect in the order they were
 * called, as on SQLite (whose reads run synchronously and whose writes commit
 * a turn later): a read is sent only once the writes called before it have
 * been answered, a write only once the reads called before it have been.
 * Reads run alongside reads and writes alongside writes.
 *
 * Over a pool the statements would otherwise run in any order: a read called
 * before a write could run after it. A caller that adds its writes still in
 * flight to what it reads (RequestBudget counts each request before its
 * increment commits) would then count that write twice, or, answered after
 * the write was, not at all. Since every answer takes a round trip, a caller
 * has handled one answer (its microtasks run) before the next one arrives.
 */
export class PerKeyOrder {
  private readonly reads = new Map<string, Pending>();
  private readonly writes = new Map<string, Pending>();

  read<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    return this.after(this.writes, this.reads, keys, work);
  }

  write<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    return this.after(this.reads, this.writes, keys, work);
  }

  private after<T>(
    first: Map<string, Pending>,
    mine: Map<string, Pending>,
    keys: readonly string[],
    work: () => Promise<T>,
  ): Promise<T> {
    const before = keys.flatMap((key) => [...(first.get(key) ?? [])]);
    const result = before.length === 0 ? work() : Promise.allSettled(before).then(() => work());
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    for (const key of keys) {
      const pending = mine.get(key) ?? new Set();
      mine.set(key, pending.add(settled));
    }
    void settled.then(() => {
      for (const key of keys) {
        const pending = mine.get(key);
        pending?.delete(settled);
        if (pending?.size === 0) mine.delete(key);
      }
    });
    return result;
  }
}
