/**
 * A TOTP secret as people type it into an authenticator app by hand: in
 * groups of four (base32 has no look-alike pairs to worry about, but 32
 * characters in a row are easy to lose one's place in). Apps ignore the
 * spaces, and so does a copy of the ungrouped secret.
 */
export function groupSecret(secret: string): string {
  return (secret.replace(/\s/g, "").match(/.{1,4}/g) ?? []).join(" ");
}
