/** Service addresses for tests; `scripts/test.sh` exports them (from the local stack or from outside). */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through \`pnpm test\` (scripts/test.sh)`);
  return value;
}

export const testEnv = {
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
  /** The tools venv's Python, with the packages of test/python-requirements.txt installed. */
  get python() {
    return required("PLATFORMA_PYTHON");
  },
  get kafkaBrokers() {
    return required("KAFKA_BROKERS").split(",");
  },
};
