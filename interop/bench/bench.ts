// The Better Auth side of `iam bench --compare-better-auth`: the same lookups
// as the Go side, through Better Auth 1.7 in process (auth.api.getSession with
// a cookie, cookie cache off and on; auth.api.verifyApiKey), on the same
// database, at the same concurrency (async loops) and pool size (pg.Pool max).
//
// Run by internal/bench (Go), which seeds the database and hands over:
//   IAM_DATABASE_URL  the seeded database
//   BENCH_FIXTURES    JSON: { secret, cookies: [Cookie header], apiKeys: [plain key],
//                             concurrency, durationMs, poolSize, warmupMs,
//                             countOps, countURL }
// With countOps > 0 each path also runs countOps sequential operations on one
// connection through countURL, Go's counting proxy, between marker queries
// ("/*bench-mark:<path>:start*/"), and measures commits per operation.
//   BENCH_OUT         where to write the JSON report
// It resolves its packages through node_modules -> ../betterauth/node_modules.
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { betterAuth } from "better-auth";
import { organization } from "better-auth/plugins";
import { apiKey } from "@better-auth/api-key";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { withIam } from "../betterauth/iam.ts";

type Fixtures = {
  secret: string;
  cookies: string[];
  apiKeys: string[];
  concurrency: number;
  durationMs: number;
  poolSize: number;
  warmupMs: number;
  countOps: number;
  countURL: string;
};

const url = process.env.IAM_DATABASE_URL;
const fixturesPath = process.env.BENCH_FIXTURES;
const outPath = process.env.BENCH_OUT;
if (!url || !fixturesPath || !outPath) {
  throw new Error("IAM_DATABASE_URL, BENCH_FIXTURES and BENCH_OUT must be set: run this through `go run ./cmd/iam bench --compare-better-auth`");
}
const fx: Fixtures = JSON.parse(readFileSync(fixturesPath, "utf8"));

const pool = new pg.Pool({ connectionString: url, max: fx.poolSize });
const db = drizzle(pool);
const baseURL = "http://localhost:3000";
const common = {
  secret: fx.secret,
  baseURL,
  telemetry: { enabled: false },
  emailAndPassword: { enabled: true },
  // Rate limiting applies to HTTP requests only, not to auth.api calls; off to be explicit.
  rateLimit: { enabled: false },
};
const plugins = () => [organization(), apiKey()];
const makeAuth = (database: ReturnType<typeof drizzle>, cache: boolean) => betterAuth(withIam({
  ...common,
  ...(cache ? { session: { cookieCache: { enabled: true, maxAge: 300 } } } : {}),
  plugins: plugins(),
}, database));
const authNoCache = makeAuth(db, false);
const authCache = makeAuth(db, true);

// The counting side: one connection through the proxy.
const countPool = fx.countOps > 0 ? new pg.Pool({ connectionString: fx.countURL, max: 1 }) : null;
const countDb = countPool ? drizzle(countPool) : null;
const countAuth = countDb ? { off: makeAuth(countDb, false), on: makeAuth(countDb, true) } : null;

/** count runs fx.countOps sequential operations between markers and returns commits per operation. */
async function count(path: string, op: (r: number) => Promise<unknown>): Promise<number | undefined> {
  if (!countPool) return undefined;
  for (let i = 0; i < 20; i++) await op(i); // warm: prepared statements, caches
  // pg_stat_force_next_flush makes this connection report its statistics when idle, so
  // xact_commit read on it counts exactly the transactions before the read.
  await countPool.query(`SELECT pg_stat_force_next_flush() /*bench-mark:${path}:start*/`);
  const c0 = Number((await countPool.query("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")).rows[0].xact_commit);
  for (let i = 0; i < fx.countOps; i++) await op(i);
  await countPool.query(`SELECT pg_stat_force_next_flush() /*bench-mark:${path}:end*/`);
  const c1 = Number((await countPool.query("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")).rows[0].xact_commit);
  return (c1 - c0 - 2) / fx.countOps; // minus the read of c0 and the end marker
}

type Stats = { path: string; ops: number; errors: number; firstError?: string; seconds: number; opsPerSec: number; p50Us: number; p95Us: number; p99Us: number; commitsPerOp?: number };
type Op = (r: number) => Promise<unknown>;

/** runFor runs op from fx.concurrency async loops for ms milliseconds. */
async function runFor(op: Op, ms: number, lat: number[] | null, errs: { n: number; first?: string }): Promise<[number, number]> {
  const start = performance.now();
  const end = start + ms;
  let ops = 0;
  const loop = async (w: number) => {
    let r = w * 7919;
    while (performance.now() < end) {
      r = (r * 1103515245 + 12345) >>> 0;
      const t0 = performance.now();
      try {
        await op(r);
      } catch (e) {
        if (errs.n++ === 0) errs.first = String(e);
      }
      if (lat) lat.push(performance.now() - t0);
      ops++;
    }
  };
  await Promise.all(Array.from({ length: fx.concurrency }, (_, w) => loop(w + 1)));
  return [ops, (performance.now() - start) / 1000];
}

async function measure(path: string, op: Op): Promise<Stats> {
  const errs = { n: 0, first: undefined as string | undefined };
  await runFor(op, fx.warmupMs, null, { n: 0 });
  const lat: number[] = [];
  const [ops, seconds] = await runFor(op, fx.durationMs, lat, errs);
  lat.sort((a, b) => a - b);
  const q = (p: number) => (lat.length ? lat[Math.floor(p * (lat.length - 1))] * 1000 : 0);
  const s: Stats = { path, ops, errors: errs.n, firstError: errs.first, seconds, opsPerSec: ops / seconds, p50Us: q(0.5), p95Us: q(0.95), p99Us: q(0.99) };
  process.stderr.write(`better-auth ${path}: ${Math.round(s.opsPerSec)} ops/s, p50 ${Math.round(s.p50Us)} µs, p99 ${Math.round(s.p99Us)} µs${s.errors ? `, ${s.errors} errors (${s.firstError})` : ""}\n`);
  return s;
}

function setCookiePairs(h: Headers): string[] {
  return h.getSetCookie().map((c) => c.split(";")[0]);
}

async function main() {
  const headers = fx.cookies.map((c) => new Headers({ cookie: c }));
  // Every cookie must be a live session for Better Auth.
  const probe: any = await authNoCache.api.getSession({ headers: headers[0] });
  if (!probe?.session) throw new Error("Better Auth does not accept the Go-signed session cookie");

  // Cookie cache: get-session once per cookie sets session_data; present both afterwards.
  const cached: Headers[] = [];
  const cacheCookies: string[] = [];
  for (const h of headers) {
    const r: any = await authCache.api.getSession({ headers: h, returnHeaders: true });
    const data = setCookiePairs(r.headers).find((p) => p.includes(".session_data="));
    if (!data) throw new Error("get-session with the cookie cache on set no session_data cookie");
    cacheCookies.push(data);
    cached.push(new Headers({ cookie: h.get("cookie") + "; " + data }));
  }
  const mustSession = (v: any) => { if (!v?.session) throw new Error("no session"); return v; };
  const mustValid = (v: any) => { if (!v?.valid) throw new Error("key refused: " + JSON.stringify(v?.error)); return v; };

  const paths: [string, (a: { off: typeof authNoCache; on: typeof authCache }) => Op][] = [
    ["get_session_cache_off", (a) => async (r) => mustSession(await a.off.api.getSession({ headers: headers[r % headers.length] }))],
    ["get_session_cache_on", (a) => async (r) => mustSession(await a.on.api.getSession({ headers: cached[r % cached.length] }))],
    ["verify_api_key", (a) => async (r) => mustValid(await a.off.api.verifyApiKey({ body: { key: fx.apiKeys[r % fx.apiKeys.length] } }))],
  ];
  const results: Stats[] = [];
  for (const [path, make] of paths) {
    const s = await measure(path, make({ off: authNoCache, on: authCache }));
    if (countAuth) s.commitsPerOp = await count(path, make(countAuth));
    results.push(s);
  }

  const version = JSON.parse(readFileSync(new URL("../betterauth/node_modules/better-auth/package.json", import.meta.url), "utf8")).version;
  writeFileSync(outPath!, JSON.stringify({ betterAuth: version, node: process.version, results, cacheCookies }));
  await pool.end();
  await countPool?.end();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
