// Regenerates testdata/vectors.json with Better Auth's own code.
//
//   mkdir /tmp/ba && cd /tmp/ba && npm init -y
//   npm install better-auth@1.7.25 && npm install --legacy-peer-deps @better-auth/api-key@1.7.5
//   cp <repo>/betterauth/testdata/gen-vectors.mjs . && node gen-vectors.mjs > <repo>/betterauth/testdata/vectors.json
//
// Every value below is produced by the library functions Better Auth itself
// calls when it writes cookies and rows; nothing is re-implemented here.
import { hashPassword, symmetricEncrypt, makeSignature } from "better-auth/crypto";
import { serializeSignedCookie } from "better-call";
import { createOTP } from "@better-auth/utils/otp";
import { base32 } from "@better-auth/utils/base32";
import { base64Url } from "@better-auth/utils/base64";
import { createHMAC } from "@better-auth/utils/hmac";
import { defaultKeyHasher } from "@better-auth/api-key";
import { generateKeyPair, exportJWK, SignJWT } from "jose";

const secret = "0123456789abcdef0123456789abcdef-test-secret";
const rotation = {
  keys: new Map([[2, "rotated-secret-version-two-0123456789abcdef"], [1, "rotated-secret-version-one-0123456789abcdef"]]),
  currentVersion: 2,
  legacySecret: secret,
};
const rotationV1 = { keys: new Map([[1, "rotated-secret-version-one-0123456789abcdef"]]), currentVersion: 1 };

const out = { secret, rotation: [...rotation.keys].map(([version, value]) => ({ version, value })) };

out.signedCookies = [];
for (const token of ["PSZezV0jQsuSUi9pnegX9Xl6KGhctdIM", "vfYpRaflneFgdjDHyXdR6jIcQK0AYNvy", "a"]) {
  const header = await serializeSignedCookie("better-auth.session_token", token, secret);
  out.signedCookies.push({ token, setCookie: header, signature: await makeSignature(token, secret) });
}

out.passwords = [];
for (const password of ["password123", "correct horse battery staple", "Pässwörd🔒", "ｐａｓｓｗｏｒｄ１２３", "e\u0301te\u0301-café", ""]) {
  out.passwords.push({ password, hash: await hashPassword(password) });
}

out.encrypted = [];
for (const data of ["hello", "RBVLNwv1UhCqSATZn4jFAFvCumpNBALN", "ünïcødé ✓", ""]) {
  out.encrypted.push({ key: "secret", data, value: await symmetricEncrypt({ key: secret, data }) });
  out.encrypted.push({ key: "rotation", data, value: await symmetricEncrypt({ key: rotation, data }) });
  out.encrypted.push({ key: "rotation-v1", data, value: await symmetricEncrypt({ key: rotationV1, data }) });
}

const codes = ["9Ylu4-HiwyO", "DDK38-oGhfr", "v73ag-P13v4", "yewn9-CPzgm", "gO0Xh-CMDcI", "uiC31-gvaNi", "CuRFn-IG4MJ", "fiH94-8fVfU", "7mJ9k-OMkiE", "sxYii-FbBWQ"];
out.backupCodes = {
  codes,
  encrypted: await symmetricEncrypt({ key: secret, data: JSON.stringify(codes) }),
  plain: JSON.stringify(codes),
};

const totpSecret = "RBVLNwv1UhCqSATZn4jFAFvCumpNBALN";
const b32 = "JBSWY3DPEHPK3PXP";
out.totp = {
  secret: totpSecret,
  encryptedSecret: await symmetricEncrypt({ key: secret, data: totpSecret }),
  uri: createOTP(totpSecret).url("Better Auth", "alice@example.com"),
  base32Secret: "base32:" + b32,
  encryptedBase32Secret: await symmetricEncrypt({ key: secret, data: "base32:" + b32 }),
  codes: [],
};
for (const counter of [0, 1, 59, 60000000, 59999999]) {
  out.totp.codes.push({
    counter,
    code: await createOTP(totpSecret).hotp(counter),
    base32Code: await createOTP(base32.decode(b32)).hotp(counter),
  });
}

out.apiKeys = [];
for (const key of ["ba_lqRcJWeJgTRObUqbfxWtHCalHmKPqpwbacZfMdUCHRgLcrByHcbxVlUgeTHRevfh", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl", ""]) {
  out.apiKeys.push({ key, hash: await defaultKeyHasher(key) });
}

// jwks rows exactly as the jwt plugin's createJwk builds them, and JWTs signed
// as its signJWT does (kid = row id).
out.jwks = [];
const configs = [
  { id: "jwk-ed25519", alg: "EdDSA", cfg: { crv: "Ed25519" }, encrypt: true },
  { id: "jwk-es256", alg: "ES256", cfg: {}, encrypt: true },
  { id: "jwk-rs256", alg: "RS256", cfg: { modulusLength: 2048 }, encrypt: false },
  { id: "jwk-ed25519-rotated", alg: "EdDSA", cfg: { crv: "Ed25519" }, encrypt: "rotation" },
];
for (const c of configs) {
  const { publicKey, privateKey } = await generateKeyPair(c.alg, { ...c.cfg, extractable: true });
  const pub = await exportJWK(publicKey);
  const priv = JSON.stringify(await exportJWK(privateKey));
  const crv = c.cfg.crv ?? pub.crv;
  const row = {
    id: c.id,
    alg: c.alg,
    crv: crv ?? null,
    publicKey: JSON.stringify(pub),
    privateKey: c.encrypt === true ? JSON.stringify(await symmetricEncrypt({ key: secret, data: priv }))
      : c.encrypt === "rotation" ? JSON.stringify(await symmetricEncrypt({ key: rotation, data: priv })) : priv,
  };
  const payload = { sub: "jVXMAP5dPwn4ZzdHpf3xoXNg0WWYuHsU", email: "alice@example.com", name: "Zoë" };
  const valid = await new SignJWT(payload).setProtectedHeader({ alg: c.alg, kid: c.id })
    .setIssuedAt(1795453928).setExpirationTime(4102444800).setIssuer("http://localhost:3000").setAudience("http://localhost:3000").setSubject(payload.sub).sign(privateKey);
  const expired = await new SignJWT(payload).setProtectedHeader({ alg: c.alg, kid: c.id })
    .setIssuedAt(1795453928).setExpirationTime(1795454828).setIssuer("http://localhost:3000").setAudience("http://localhost:3000").sign(privateKey);
  out.jwks.push({ row, privateJWK: priv, jwt: valid, expiredJWT: expired });
}

// A compact cookie cache built exactly like setCookieCache (strategy "compact").
const sessionData = {
  session: {
    expiresAt: "2100-01-01T00:00:00.000Z", token: "PSZezV0jQsuSUi9pnegX9Xl6KGhctdIM", createdAt: "2026-11-23T17:12:08.426Z",
    updatedAt: "2026-11-23T17:12:08.426Z", ipAddress: "127.0.0.1", userAgent: "curl/8 \"quoted\" <tag>", userId: "u1",
    activeOrganizationId: "org1", activeTeamId: null, impersonatedBy: null, id: "s1",
  },
  user: {
    name: "Zoë 🚀 \u2028", email: "zoe@example.com", emailVerified: true, image: null, createdAt: "2026-11-23T17:12:08.249Z",
    updatedAt: "2026-11-23T17:12:08.249Z", twoFactorEnabled: true, role: "admin", banned: false, banReason: null, banExpires: null, id: "u1",
  },
  updatedAt: 1795453928439,
  version: "1",
};
const cacheExpiresAt = 4102444800000;
out.cookieCache = {
  expiresAt: cacheExpiresAt,
  value: base64Url.encode(JSON.stringify({
    session: sessionData,
    expiresAt: cacheExpiresAt,
    signature: await createHMAC("SHA-256", "base64urlnopad").sign(secret, JSON.stringify({ ...sessionData, expiresAt: cacheExpiresAt })),
  }), { padding: false }),
};

console.log(JSON.stringify(out, null, 1));
