// Vitest runs Better Auth's own adapter conformance suite (@better-auth/test-utils)
// on the iam schema: test/conformance.vitest.ts. The node:test scenarios
// (test/*.test.ts) are not vitest's.
import { defineConfig, type Plugin } from "vitest/config";

/**
 * modelAwareIds makes the suite's row generator pass the model to its id generator.
 * test-utils 1.7.5 calls customIdGenerator() without arguments, while every iam table
 * requires ids of the form "<table>__<uuid>" (a CHECK constraint), so the generator
 * must know the model, as Better Auth's own advanced.database.generateId({ model }) does.
 * Nothing else in the suite changes; a test-utils release that no longer has these
 * lines fails here, so the rewrite is never silently lost.
 */
function modelAwareIds(): Plugin {
  const file = /@better-auth\/test-utils\/dist\/adapter\/create-test-suite\.mjs$/;
  const rewrites: [string, string][] = [
    ["const idGenerator = async () => {", "const idGenerator = async (model) => {"],
    ["return config.customIdGenerator();", "return config.customIdGenerator(model);"],
    ["return helpers.customIdGenerator();", "return helpers.customIdGenerator(model);"],
    ["const id = await idGenerator();", "const id = await idGenerator(model);"],
  ];
  return {
    name: "iam-model-aware-ids",
    enforce: "pre",
    transform(code, id) {
      if (!file.test(id)) return null;
      for (const [from, to] of rewrites) {
        if (code.split(from).length !== 2) {
          throw new Error(`vitest.config.ts: expected exactly one "${from}" in ${id}; the @better-auth/test-utils version changed, update modelAwareIds`);
        }
        code = code.replace(from, to);
      }
      return { code, map: null };
    },
  };
}

export default defineConfig({
  plugins: [modelAwareIds()],
  test: {
    include: ["test/conformance.vitest.ts"],
    // test-utils is transformed (not loaded natively) so that modelAwareIds applies.
    server: { deps: { inline: [/@better-auth\/test-utils/] } },
    // One database: suites and files must not run at the same time.
    fileParallelism: false,
    hookTimeout: 60_000,
  },
});
