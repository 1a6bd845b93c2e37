// Loaded with `node --import` before the Better Auth CLI (package "auth"): its Prisma
// parser dependency (chevrotain 12) calls Object.groupBy, which Node 20 lacks (Node 21+
// has it). On Node 21 and newer this file does nothing.
if (typeof Object.groupBy !== "function") {
  Object.defineProperty(Object, "groupBy", {
    configurable: true,
    writable: true,
    value(items, key) {
      const out = Object.create(null);
      let i = 0;
      for (const item of items) {
        const k = key(item, i++);
        (out[k] ??= []).push(item);
      }
      return out;
    },
  });
}
