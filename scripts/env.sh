# Shared defaults for the local-stack scripts. Sourced, never executed.
# Every value can be overridden from the environment, so existing services can be used instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PLATFORMA_HOME="${PLATFORMA_HOME:-$ROOT/.local}"
export PLATFORMA_TOOLS="$PLATFORMA_HOME/tools"
export PLATFORMA_DATA="$PLATFORMA_HOME/data"
export PLATFORMA_LOGS="$PLATFORMA_HOME/logs"
mkdir -p "$PLATFORMA_TOOLS" "$PLATFORMA_DATA" "$PLATFORMA_LOGS"

# Pinned toolchain.
NODE_VERSION="$(cat "$ROOT/.node-version")"
PNPM_VERSION="10.34.9"
TEMPORAL_CLI_VERSION="1.9.1"
TEMPORAL_TEST_SERVER_VERSION="1.40.0"
KAFKA_VERSION="4.1.1"
SEAWEEDFS_VERSION="4.48"
HELM_VERSION="v3.22.0"
KUBERNETES_VALIDATE_VERSION="1.37.0"

# Ports of the local services (only used when we start them ourselves).
export PG_PORT="${PG_PORT:-55432}"
export TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
export TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
export KAFKA_PORT="${KAFKA_PORT:-19092}"
export KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
# SeaweedFS (S3-compatible object store for the S3 driver's tests): the S3 gateway and the ports of
# its master, volume and filer servers (each also uses its port + 10000 for gRPC).
export S3_PORT="${S3_PORT:-18333}"
export SEAWEEDFS_MASTER_PORT="${SEAWEEDFS_MASTER_PORT:-19333}"
export SEAWEEDFS_VOLUME_PORT="${SEAWEEDFS_VOLUME_PORT:-18340}"
export SEAWEEDFS_FILER_PORT="${SEAWEEDFS_FILER_PORT:-18888}"

# The system directories last: a shell with only /usr/bin:/bin still finds runuser (in /usr/sbin).
export PATH="$PLATFORMA_TOOLS/node/bin:$PLATFORMA_TOOLS/venv/bin:$PLATFORMA_TOOLS/helm-$HELM_VERSION:$PATH:/usr/local/go/bin:/usr/sbin:/sbin"

log() { printf '\033[1;34m[platforma]\033[0m %s\n' "$*" >&2; }

# wait_for_port HOST PORT SECONDS NAME
wait_for_port() {
  local host="$1" port="$2" timeout="$3" name="$4" i
  for ((i = 0; i < timeout * 5; i++)); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  log "$name did not open $host:$port within ${timeout}s"
  return 1
}

# What the run, test and bench commands share: install what is missing, install dependencies,
# start the services (or use the configured ones) and export their addresses into this shell.
prepare_stack() {
  bash "$ROOT/scripts/install-node.sh"
  log "installing dependencies"
  (cd "$ROOT" && pnpm install --frozen-lockfile --reporter=silent)
  bash "$ROOT/scripts/services.sh" up
  eval "$(bash "$ROOT/scripts/services.sh" env)"
}
