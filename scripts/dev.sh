#!/usr/bin/env bash
# The run command (`pnpm dev`, or `bash scripts/dev.sh` on a machine without Node 24 yet): installs
# what is missing, starts the local services, applies migrations, seeds the simulated inventory,
# then runs the API, the worker and the relay until Ctrl-C. Logs: .local/logs/{api,worker,relay}.log
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

prepare_stack

log "applying migrations and seeding the inventory"
node packages/db/src/migrate-cli.ts >/dev/null
node packages/providers/src/seed-cli.ts >/dev/null

export DEV_KEYS_DIR="$PLATFORMA_HOME/dev-keys"
node apps/cli/src/main.ts token --operator >/dev/null # creates the dev signing key on first run
export AUTH_JWKS_FILE="${AUTH_JWKS_FILE:-$DEV_KEYS_DIR/dev-jwks.json}"
export PORT="${PORT:-3000}"
# Ctrl-C should not wait out the production grace for a request that hangs.
export SHUTDOWN_GRACE_MS="${SHUTDOWN_GRACE_MS:-3000}"

pids=()
cleanup() {
  log "stopping api, worker and relay"
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
# Ctrl-C or a signal ends the script, and the EXIT trap cleans up once.
trap cleanup EXIT
trap 'exit 130' INT TERM

for app in worker relay api; do
  node "apps/$app/src/main.ts" >"$PLATFORMA_LOGS/$app.log" 2>&1 &
  pids+=($!)
done
wait_for_port 127.0.0.1 "$PORT" 60 API

cat <<MSG

  PLATFORMA is running.

  API (tRPC)        http://127.0.0.1:$PORT/trpc     health: /healthz, readiness: /readyz
  Temporal Web UI   $TEMPORAL_UI_URL
  Kafka brokers     $KAFKA_BROKERS
  Logs              $PLATFORMA_LOGS/{api,worker,relay}.log

  Tokens (signed by the local dev key, trusted by this API only):
    operator:  ./platforma token --operator
    tenant:    ./platforma token --tenant <ten_id> [--scopes "orders:read orders:write ..."]
  Operator CLI: ./platforma tenants list | describe <ten_id> | …   (./platforma --help)

  Stop with Ctrl-C; stop the services with: bash scripts/services.sh down

MSG
wait -n "${pids[@]}" || true
log "a process exited; see $PLATFORMA_LOGS"
