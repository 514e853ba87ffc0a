/** Who is asking, as far as the transport can tell. Stored with sessions and audit events. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}
