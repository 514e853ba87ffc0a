import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";

/**
 * A WebAuthn authenticator in software, for tests over HTTP without a
 * browser: it answers `navigator.credentials.create()` / `.get()` options
 * with real attestation ("none") and ES256 assertions, as a platform
 * authenticator with a resident key and user verification would, so the
 * server's real verification runs on them. Origin, RP id, counter and the
 * signed bytes can be set to what an attacker would send. (The browser
 * tests use Chromium's own virtual authenticator.)
 */
export class SoftAuthenticator {
  readonly credentialId = randomBytes(16).toString("base64url");
  private readonly keys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  private userHandle: string | undefined;
  counter = 0;

  constructor(readonly origin: string) {}

  /** The JSON `@simplewebauthn/browser` would send for `options`. */
  register(
    options: { challenge: string; rp: { id?: string }; user: { id: string } },
    tamper: { origin?: string; rpId?: string; type?: string } = {},
  ) {
    this.userHandle = options.user.id;
    const rpId = tamper.rpId ?? options.rp.id ?? new URL(this.origin).hostname;
    const clientData = this.clientData(
      tamper.type ?? "webauthn.create",
      options.challenge,
      tamper.origin,
    );
    const credentialId = Buffer.from(this.credentialId, "base64url");
    const attested = Buffer.concat([
      Buffer.alloc(16), // AAGUID: none
      u16(credentialId.length),
      credentialId,
      Buffer.from(isoCBOR.encode(coseKey(this.keys.publicKey))),
    ]);
    const authData = Buffer.concat([
      this.authDataHead(rpId, FLAGS.UP | FLAGS.UV | FLAGS.AT),
      attested,
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", new Uint8Array(authData)],
      ]) as never,
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key" as const,
      response: {
        clientDataJSON: clientData.toString("base64url"),
        attestationObject: Buffer.from(attestationObject).toString("base64url"),
        transports: ["internal"],
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform" as const,
    };
  }

  /** An assertion for `challenge`, its counter one higher (unless `tamper.counter` says otherwise). */
  authenticate(
    challenge: string,
    rpId: string,
    tamper: { origin?: string; counter?: number; flags?: number; signWith?: KeyObject } = {},
  ) {
    this.counter = tamper.counter ?? this.counter + 1;
    const clientData = this.clientData("webauthn.get", challenge, tamper.origin);
    const authData = this.authDataHead(rpId, tamper.flags ?? FLAGS.UP | FLAGS.UV);
    const signed = Buffer.concat([authData, createHash("sha256").update(clientData).digest()]);
    const signature = sign("sha256", signed, tamper.signWith ?? this.keys.privateKey);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key" as const,
      response: {
        clientDataJSON: clientData.toString("base64url"),
        authenticatorData: authData.toString("base64url"),
        signature: signature.toString("base64url"),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform" as const,
    };
  }

  private clientData(type: string, challenge: string, origin = this.origin): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  private authDataHead(rpId: string, flags: number): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    return Buffer.concat([
      createHash("sha256").update(rpId).digest(),
      Buffer.from([flags]),
      counter,
    ]);
  }
}

/** Authenticator data flags (WebAuthn §6.1): user present, user verified, attested credential data. */
export const FLAGS = { UP: 0x01, UV: 0x04, AT: 0x40 } as const;

function u16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
}

/** The public key as a COSE_Key (RFC 9053): EC2, ES256, P-256, x and y. */
function coseKey(publicKey: KeyObject) {
  const jwk = publicKey.export({ format: "jwk" });
  return new Map<number, unknown>([
    [1, 2],
    [3, -7],
    [-1, 1],
    [-2, new Uint8Array(Buffer.from(jwk.x ?? "", "base64url"))],
    [-3, new Uint8Array(Buffer.from(jwk.y ?? "", "base64url"))],
  ]) as never;
}
