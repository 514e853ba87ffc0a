/** What tRPC answers for the trivial `bench.ping` query; the raw server sends the same bytes. */
export const PING_DATA = { ok: true } as const;
export const PING_RESPONSE_BODY = JSON.stringify({ result: { data: PING_DATA } });
