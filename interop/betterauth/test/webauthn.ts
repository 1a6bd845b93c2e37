// A minimal software authenticator (packed "none" attestation, ES256) so the
// suite registers and signs in with a real passkey through the plugin.
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";

const b64url = (b: Uint8Array) => Buffer.from(b).toString("base64url");
const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest();

// CBOR, only what WebAuthn needs here: small maps, text, byte strings, small ints.
function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 256) return Buffer.from([(major << 5) | 24, n]);
  return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
}
type CBOR = number | string | Uint8Array | Map<CBOR, CBOR>;
function cbor(v: CBOR): Buffer {
  if (typeof v === "number") return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === "string") return Buffer.concat([head(3, Buffer.byteLength(v)), Buffer.from(v)]);
  if (v instanceof Map) return Buffer.concat([head(5, v.size), ...[...v].flatMap(([k, x]) => [cbor(k), cbor(x)])]);
  return Buffer.concat([head(2, v.length), Buffer.from(v)]);
}

/** SavedAuthenticator is a SoftAuthenticator's credential, for the import test's second process. */
export type SavedAuthenticator = { credentialID: string; counter: number; privateKey: import("node:crypto").JsonWebKey };

/** SoftAuthenticator holds one ES256 credential for an RP id and origin. */
export class SoftAuthenticator {
  readonly credentialID = randomBytes(16);
  private readonly key: KeyObject;
  private readonly cose: Buffer;
  private counter = 0;

  constructor(private readonly rpID: string, private readonly origin: string, saved?: SavedAuthenticator) {
    if (saved) {
      this.credentialID = Buffer.from(saved.credentialID, "base64url");
      this.counter = saved.counter;
    }
    this.key = saved
      ? createPrivateKey({ key: saved.privateKey, format: "jwk" })
      : generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const jwk = this.key.export({ format: "jwk" });
    this.cose = cbor(new Map<CBOR, CBOR>([
      [1, 2], [3, -7], [-1, 1],
      [-2, Buffer.from(jwk.x!, "base64url")], [-3, Buffer.from(jwk.y!, "base64url")],
    ]));
  }

  get id(): string { return b64url(this.credentialID); }

  /** save returns what another process needs to go on with this credential (test material only). */
  save(): SavedAuthenticator {
    return { credentialID: this.id, counter: this.counter, privateKey: this.key.export({ format: "jwk" }) };
  }

  private clientData(type: string, challenge: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: this.origin, crossOrigin: false }));
  }

  private authData(flags: number, attested: boolean): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.counter);
    const parts: Uint8Array[] = [sha256(this.rpID), Buffer.from([flags]), count];
    if (attested) {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(this.credentialID.length);
      parts.push(Buffer.alloc(16), len, this.credentialID, this.cose);
    }
    return Buffer.concat(parts);
  }

  /** register answers navigator.credentials.create() for the given challenge. */
  register(challenge: string) {
    const clientDataJSON = this.clientData("webauthn.create", challenge);
    const authData = this.authData(0x45, true); // UP | UV | AT
    const attestationObject = cbor(new Map<CBOR, CBOR>([["fmt", "none"], ["attStmt", new Map()], ["authData", authData]]));
    return {
      id: this.id, rawId: this.id, type: "public-key" as const, clientExtensionResults: {}, authenticatorAttachment: "platform" as const,
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ["internal" as const, "hybrid" as const] },
    };
  }

  /** authenticate answers navigator.credentials.get() for the given challenge. */
  authenticate(challenge: string) {
    this.counter++;
    const clientDataJSON = this.clientData("webauthn.get", challenge);
    const authenticatorData = this.authData(0x05, false); // UP | UV
    const signature = sign("sha256", Buffer.concat([authenticatorData, sha256(clientDataJSON)]), this.key);
    return {
      id: this.id, rawId: this.id, type: "public-key" as const, clientExtensionResults: {}, authenticatorAttachment: "platform" as const,
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authenticatorData), signature: b64url(signature) },
    };
  }
}
