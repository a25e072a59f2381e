/** Service addresses; `scripts/bench.sh` exports them (from the local stack or from outside). */
function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the benchmarks through \`pnpm bench\` (scripts/bench.sh)`);
  return value;
}

export const benchEnv = {
  get databaseUrl() {
    return required("DATABASE_URL");
  },
  get systemDatabaseUrl() {
    return required("DATABASE_SYSTEM_URL");
  },
  get ownerDatabaseUrl() {
    return required("DATABASE_OWNER_URL");
  },
  get temporalAddress() {
    return required("TEMPORAL_ADDRESS");
  },
  get temporalNamespace() {
    return process.env["TEMPORAL_NAMESPACE"] || "default";
  },
};
