import js from "@eslint/js";
import tseslint from "typescript-eslint";

const nodeBuiltins = [
  "node:*",
  "fs",
  "path",
  "crypto",
  "http",
  "net",
  "os",
  "child_process",
  "worker_threads",
];

export default tseslint.config(
  { ignores: ["**/node_modules/**", ".local/**", "**/dist/**", "packages/db/migrations/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A dropped promise in a workflow or activity is a lost step.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  {
    // Workflow code is replayed: only the workflow SDK and the pure contracts are allowed.
    files: ["workflows/src/workflows/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: nodeBuiltins, message: "workflow code must be deterministic: no Node built-ins" },
            {
              group: [
                "pg",
                "drizzle-orm",
                "drizzle-orm/*",
                "jose",
                "@platforma/db",
                "@platforma/domain",
                "@platforma/providers",
                "@platforma/events",
              ],
              message: "workflows reach I/O only through activities",
            },
            {
              group: ["@temporalio/worker", "@temporalio/client", "@temporalio/activity"],
              message: "workflow code imports only @temporalio/workflow",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["packages/api/**/*.ts", "apps/api/**/*.ts", "packages/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@temporalio/worker"],
              message: "the API only starts workflows; it never runs a worker",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.test.ts", "test/**/*.ts", "workflows/test/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off", "no-console": "off" },
  },
  {
    files: ["**/cli/**/*.ts", "**/*-cli.ts", "scripts/**/*.ts"],
    rules: { "no-console": "off" },
  },
);
