// Better Auth's side of the `iam serve` interop test (interop/serve_test.go):
// the Go test runs this once per step and puts nginx and iam serve in front
// of what it produced.
//
//   node --import tsx test/gateway.ts setup         users, sessions, an organization, API keys,
//                                                   and Better Auth's own get-session, verify and jwks answers
//   node --import tsx test/gateway.ts sign-out COOKIE   Better Auth's sign-out (deletes the session)
//   node --import tsx test/gateway.ts ban USER_ID ADMIN_COOKIE   the admin plugin's ban
//
// Environment: IAM_DATABASE_URL (a migrated database, as iam_auth), IAM_GATEWAY_OUT (where the
// JSON result goes).
import { writeFileSync } from "node:fs";
import { auth, baseURL, close, rows, secret, signUp } from "./harness.ts";

const out = process.env.IAM_GATEWAY_OUT;
if (!out) throw new Error("IAM_GATEWAY_OUT is not set: run this through `go test ./interop/ -run Gateway`");

/** The session_token value of a Cookie header (still URL-encoded, as the browser sends it). */
function sessionCookie(cookie: string): string {
  const m = cookie.match(/better-auth\.session_token=([^;]+)/);
  if (!m) throw new Error("no session_token cookie");
  return m[1];
}

/** handler sends a request to Better Auth's HTTP handler and returns the body as text. */
async function handler(path: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  const res = await auth.handler(new Request(baseURL + "/api/auth" + path, init));
  return { status: res.status, body: await res.text() };
}

async function setup() {
  const stamp = Date.now().toString(36);
  const password = "gateway-password-1";
  const alice = await signUp(`alice.${stamp}@example.com`, password);
  const bob = await signUp(`bob.${stamp}@example.com`, password);
  const carol = await signUp(`carol.${stamp}@example.com`, password);
  const root = await signUp(`root.${stamp}@example.com`, password);
  // Bootstrap: the first administrator is made in the database (as an operator would).
  await rows(`update shared_user set role = 'admin' where id = $1`, [root.userId]);

  const headers = new Headers({ cookie: alice.cookie });
  const org: any = await auth.api.createOrganization({ body: { name: "Gateway Inc", slug: "gateway-" + stamp }, headers });
  await auth.api.setActiveOrganization({ body: { organizationId: org.id }, headers });
  const aliceKey: any = await auth.api.createApiKey({ body: { userId: alice.userId, name: "alice-ci", permissions: { files: ["read"] } } });
  const bobKey: any = await auth.api.createApiKey({ body: { userId: bob.userId, name: "bob-ci" } });

  // Better Auth's own answers, over its HTTP handler, for Go to compare with.
  const getSession = await handler("/get-session", { headers: { cookie: alice.cookie } });
  const jwks = await handler("/jwks");
  const verify = await auth.api.verifyApiKey({ body: { key: aliceKey.key } });
  const session = (await rows(`select id from shared_session where user_id = $1`, [alice.userId]))[0];

  return {
    secret,
    organizationId: org.id,
    alice: { userId: alice.userId, sessionId: session.id, cookieHeader: alice.cookie, cookie: sessionCookie(alice.cookie) },
    bob: { userId: bob.userId, cookieHeader: bob.cookie },
    carol: { userId: carol.userId, cookieHeader: carol.cookie },
    root: { userId: root.userId, cookieHeader: root.cookie },
    aliceKey: { id: aliceKey.id, key: aliceKey.key },
    bobKey: { id: bobKey.id, key: bobKey.key },
    betterAuth: { getSession: getSession.body, getSessionStatus: getSession.status, jwks: jwks.body, verify },
  };
}

async function main() {
  const [cmd, ...args] = process.argv.slice(2);
  let result: unknown;
  switch (cmd) {
    case "setup":
      result = await setup();
      break;
    case "sign-out":
      result = await auth.api.signOut({ headers: new Headers({ cookie: args[0] }) });
      break;
    case "ban":
      result = await auth.api.banUser({ body: { userId: args[0], banReason: "gateway test" }, headers: new Headers({ cookie: args[1] }) });
      break;
    default:
      throw new Error(`unknown command ${cmd}: setup, sign-out COOKIE, ban USER_ID ADMIN_COOKIE`);
  }
  writeFileSync(out!, JSON.stringify(result ?? null));
}

main()
  .then(close)
  .catch(async (e) => {
    console.error(e);
    await close();
    process.exit(1);
  });
