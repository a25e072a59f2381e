import { defineConfig } from "tsdown";

// The published package: ESM JavaScript plus one self-contained declaration file. The router's
// types are inlined from the workspace (`@platforma/api` and what it names), so the only imports
// left are the runtime dependencies: `onlyImport` fails the build otherwise, and
// test/client-package.int.test.ts checks the packed files.
export default defineConfig({
  entry: ["src/index.ts"],
  format: "esm",
  platform: "node",
  target: "node22.12",
  outDir: "dist",
  clean: true,
  tsconfig: "tsconfig.build.json",
  dts: true,
  // Declaration emit runs the type checker over the router: slow by nature, not worth a warning.
  checks: { bundlerTimings: false },
  // The declarations of server modules the router's types pass through import their libraries;
  // nothing in this package imports a module for its side effects, so unused imports go.
  inputOptions: { treeshake: { moduleSideEffects: (_id: string, external: boolean) => !external } },
  deps: {
    alwaysBundle: [/^@platforma\//],
    onlyImport: ["@trpc/client", "@trpc/server", "eventsource", "zod"],
    // Nothing from node_modules is inlined: what the router's types do not name is dropped, and
    // what they do name must be a dependency.
    dts: { neverBundle: true, alwaysBundle: [/^@platforma\//] },
  },
});
