import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{apps,packages,workflows,test}/**/*.test.ts"],
    // test/readme runs alone after this suite (test/readme/vitest.config.ts).
    exclude: ["**/node_modules/**", ".local/**", "test/readme/**/*.int.test.ts"],
    // Temporal workers and native connections want a process each.
    pool: "forks",
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default"],
  },
});
