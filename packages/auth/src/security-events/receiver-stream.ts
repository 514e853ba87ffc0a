/**
 * What one process of one receiver has acknowledged, on this node: the
 * sessions whose event it no longer needs. Everything recent that is not
 * acknowledged is pending, so a stream starts with every revocation that can
 * still matter, and an ack for an event this node never sent (another node
 * did) removes it here too, since the `jti` is the same on every node.
 */
export class ReceiverStream {
  readonly acknowledged = new Set<string>();
  lastPolledAt: number;

  constructor(now: number) {
    this.lastPolledAt = now;
  }
}

/** Streams per receiver id and instance, bounded: the least recently polled goes first. */
export class ReceiverStreams {
  private readonly streams = new Map<string, Map<string, ReceiverStream>>();

  constructor(private readonly maxPerReceiver: number) {}

  get(receiverId: string, instance: string, now: number): ReceiverStream {
    let instances = this.streams.get(receiverId);
    if (!instances) {
      instances = new Map();
      this.streams.set(receiverId, instances);
    }
    let stream = instances.get(instance);
    if (!stream) {
      if (instances.size >= this.maxPerReceiver) this.evictOldest(instances);
      stream = new ReceiverStream(now);
      instances.set(instance, stream);
    }
    stream.lastPolledAt = now;
    return stream;
  }

  /** Forgets a session everywhere (its event can no longer matter), and streams idle since `idleBefore`. */
  forget(sessionIds: readonly string[], idleBefore: number): void {
    for (const instances of this.streams.values()) {
      for (const [instance, stream] of instances) {
        if (stream.lastPolledAt < idleBefore) instances.delete(instance);
        else for (const id of sessionIds) stream.acknowledged.delete(id);
      }
    }
  }

  private evictOldest(instances: Map<string, ReceiverStream>): void {
    let oldest: [string, ReceiverStream] | undefined;
    for (const entry of instances) {
      if (!oldest || entry[1].lastPolledAt < oldest[1].lastPolledAt) oldest = entry;
    }
    if (oldest) instances.delete(oldest[0]);
  }
}
