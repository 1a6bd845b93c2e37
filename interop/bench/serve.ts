// Better Auth over HTTP for `iam bench serve`: the same configuration as
// bench.ts (withIam, organization, apiKey, cookie cache off), served by
// node:http through better-auth/node's toNodeHandler, one process, as a
// Better Auth app is deployed by default. Run by internal/httpbench (Go):
//   IAM_DATABASE_URL  the seeded database
//   BENCH_SECRET      the Better Auth secret the sessions are signed with
//   BENCH_POOL_SIZE   pg.Pool max (default 20)
// It listens on 127.0.0.1 on a free port and prints "listening <port>".
import { createServer } from "node:http";
import { betterAuth } from "better-auth";
import { toNodeHandler } from "better-auth/node";
import { organization } from "better-auth/plugins";
import { apiKey } from "@better-auth/api-key";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { withIam } from "../betterauth/iam.ts";

const url = process.env.IAM_DATABASE_URL;
const secret = process.env.BENCH_SECRET;
if (!url || !secret) {
  throw new Error("IAM_DATABASE_URL and BENCH_SECRET must be set: run this through `go run ./cmd/iam bench serve`");
}
const pool = new pg.Pool({ connectionString: url, max: Number(process.env.BENCH_POOL_SIZE ?? 20) });
const auth = betterAuth(withIam({
  secret,
  baseURL: "http://localhost:3000",
  telemetry: { enabled: false },
  emailAndPassword: { enabled: true },
  // Better Auth's HTTP rate limiter would refuse the load generator: off.
  rateLimit: { enabled: false },
  plugins: [organization(), apiKey()],
}, drizzle(pool)));

const server = createServer(toNodeHandler(auth));
server.keepAliveTimeout = 120_000;
server.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  if (addr && typeof addr === "object") process.stdout.write(`listening ${addr.port}\n`);
});
const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
