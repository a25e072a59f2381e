import { defineConfig } from "vitest/config";

/**
 * The README's first session (`pnpm exec vitest run --config test/readme/vitest.config.ts`): run
 * alone, after the main suite, because it runs `scripts/dev.sh` against the shared services.
 */
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/readme/**/*.int.test.ts"],
    pool: "forks",
    testTimeout: 300_000,
    hookTimeout: 660_000,
  },
});
