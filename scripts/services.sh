#!/usr/bin/env bash
# Starts (or stops) the local services: PostgreSQL, the Temporal dev server with its Web UI, a
# single-node Kafka broker and SeaweedFS (an S3-compatible object store). Idempotent: a service that
# already answers is left alone. A service whose address is given from outside (DATABASE_URL,
# TEMPORAL_ADDRESS, KAFKA_BROKERS, S3_ENDPOINT) is not started at all. Data lives under .local/data
# (PostgreSQL's under /var/lib/platforma when the `postgres` user cannot reach it), logs under
# .local/logs.
# Usage: services.sh up|down|env
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

PG_BIN=/usr/lib/postgresql/15/bin

# Where PostgreSQL keeps its data, socket and log. As root, the server runs as the `postgres` user,
# which must be able to reach the directory: a checkout under a home that only its owner can enter
# (Debian's /root is 0700) gets its PostgreSQL data under /var/lib/platforma instead, one directory
# per checkout. As any other user, the server runs as that user, under .local/data.
if [[ $EUID -eq 0 ]] && ! runuser -u postgres -- test -x "$PLATFORMA_DATA" 2>/dev/null; then
  PG_HOME="/var/lib/platforma/$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)"
else
  PG_HOME="$PLATFORMA_DATA"
fi
PG_DIR="$PG_HOME/postgres"
PG_SOCKET_DIR="$PG_HOME/postgres-socket"
PG_LOG="$PG_HOME/postgres.log"

# Passwords of the local stack only; production passes its own URLs.
LOCAL_DB=platforma
LOCAL_OWNER_URL="postgres://platforma_owner:platforma_owner@127.0.0.1:$PG_PORT/$LOCAL_DB"
LOCAL_APP_URL="postgres://platforma_app:platforma_app@127.0.0.1:$PG_PORT/$LOCAL_DB"
LOCAL_SYSTEM_URL="postgres://platforma_system:platforma_system@127.0.0.1:$PG_PORT/$LOCAL_DB"

# Names the log of a service that failed to start, with its last lines, and fails.
failed_with_log() {
  log "see $1"
  tail -5 "$1" >&2 || true
  return 1
}

# Runs a PostgreSQL command as the user the server runs as (from /, which it can always enter).
as_postgres() {
  if [[ $EUID -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

postgres_up() {
  bash "$ROOT/scripts/install-services.sh" postgres
  if [[ ! -f "$PG_DIR/PG_VERSION" ]]; then
    log "initialising PostgreSQL in $PG_DIR"
    mkdir -p "$PG_DIR" "$PG_SOCKET_DIR"
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$PG_HOME" "$PG_DIR" "$PG_SOCKET_DIR"; fi
    chmod 700 "$PG_DIR"
    if ! as_postgres "$PG_BIN/initdb" -D "$PG_DIR" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$PLATFORMA_LOGS/postgres-initdb.log" 2>&1; then
      log "initdb failed"
      failed_with_log "$PLATFORMA_LOGS/postgres-initdb.log"
      return 1
    fi
  fi
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
    if (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; then
      log "another process already listens on 127.0.0.1:$PG_PORT, and it is not this checkout's PostgreSQL:"
      log "  use it with DATABASE_URL, DATABASE_SYSTEM_URL and DATABASE_OWNER_URL, or pick a free PG_PORT"
      return 1
    fi
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
    touch "$PG_LOG"
    if [[ $EUID -eq 0 ]]; then chown postgres "$PG_LOG"; fi
    if ! as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_LOG" -w start \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_SOCKET_DIR -c max_connections=300 -c fsync=off" >/dev/null; then
      log "PostgreSQL did not start"
      failed_with_log "$PG_LOG"
      return 1
    fi
  fi
  # Read by this shell: the checkout may be out of the `postgres` user's reach.
  as_postgres psql -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -q \
    <"$ROOT/scripts/db-roles.sql" >/dev/null
}

postgres_down() {
  if [[ -f "$PG_DIR/PG_VERSION" ]]; then as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast stop >/dev/null 2>&1 || true; fi
}

# Keyword search attributes operators filter by; kept in step with SEARCH_ATTRIBUTES in contracts.
SEARCH_ATTRIBUTES=(TenantId OrderId OrderState)

temporal_up() {
  bash "$ROOT/scripts/install-services.sh" temporal
  if (exec 3<>"/dev/tcp/127.0.0.1/$TEMPORAL_PORT") 2>/dev/null; then
    # A server from an earlier version of this script may lack newer attributes: add them (idempotent).
    for attr in "${SEARCH_ATTRIBUTES[@]}"; do
      temporal operator search-attribute create --address "127.0.0.1:$TEMPORAL_PORT" -n default \
        --name "$attr" --type Keyword >/dev/null 2>&1 || true
    done
    return 0
  fi
  log "starting Temporal dev server on 127.0.0.1:$TEMPORAL_PORT (Web UI :$TEMPORAL_UI_PORT)"
  nohup temporal server start-dev \
    --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
    --db-filename "$PLATFORMA_DATA/temporal.db" \
    $(printf -- '--search-attribute %s=Keyword ' "${SEARCH_ATTRIBUTES[@]}") \
    --dynamic-config-value matching.enableFairness=true \
    --log-level warn >"$PLATFORMA_LOGS/temporal.log" 2>&1 &
  echo $! >"$PLATFORMA_DATA/temporal.pid"
  wait_for_port 127.0.0.1 "$TEMPORAL_PORT" 60 Temporal || failed_with_log "$PLATFORMA_LOGS/temporal.log"
  # The frontend accepts connections before the namespace is ready.
  for _ in $(seq 1 100); do
    temporal operator namespace describe --address "127.0.0.1:$TEMPORAL_PORT" -n default >/dev/null 2>&1 && return 0
    sleep 0.3
  done
  log "Temporal namespace 'default' not ready"
  failed_with_log "$PLATFORMA_LOGS/temporal.log"
}

temporal_down() { kill_pidfile "$PLATFORMA_DATA/temporal.pid"; }

kafka_up() {
  bash "$ROOT/scripts/install-services.sh" kafka
  if (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null; then return 0; fi
  local dir="$PLATFORMA_DATA/kafka" cp="$PLATFORMA_TOOLS/kafka-$KAFKA_VERSION/libs/*"
  mkdir -p "$dir"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/logs
num.partitions=6
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  local java_opts=(-Xms256m -Xmx1g -Dlog4j2.configurationFile="$ROOT/scripts/kafka/log4j2.yaml")
  if [[ ! -f "$dir/logs/meta.properties" ]]; then
    log "formatting Kafka KRaft storage"
    java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool format --standalone \
      -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null)" \
      -c "$dir/server.properties" >"$PLATFORMA_LOGS/kafka-format.log" 2>&1
  fi
  log "starting Kafka on 127.0.0.1:$KAFKA_PORT"
  nohup java "${java_opts[@]}" -cp "$cp" kafka.Kafka "$dir/server.properties" >"$PLATFORMA_LOGS/kafka.log" 2>&1 &
  echo $! >"$PLATFORMA_DATA/kafka.pid"
  wait_for_port 127.0.0.1 "$KAFKA_PORT" 90 Kafka || failed_with_log "$PLATFORMA_LOGS/kafka.log"
}

kafka_down() { kill_pidfile "$PLATFORMA_DATA/kafka.pid"; }

# Credentials of the local object store only; production passes its own.
LOCAL_S3_ACCESS_KEY=platforma
LOCAL_S3_SECRET_KEY=platforma-secret
LOCAL_S3_BUCKET=platforma

seaweedfs_up() {
  bash "$ROOT/scripts/install-services.sh" seaweedfs
  if (exec 3<>"/dev/tcp/127.0.0.1/$S3_PORT") 2>/dev/null; then return 0; fi
  local dir="$PLATFORMA_DATA/seaweedfs"
  mkdir -p "$dir/data"
  cat >"$dir/s3.json" <<JSON
{"identities":[{"name":"platforma","credentials":[{"accessKey":"$LOCAL_S3_ACCESS_KEY","secretKey":"$LOCAL_S3_SECRET_KEY"}],"actions":["Admin","Read","Write","List","Tagging"]}]}
JSON
  log "starting SeaweedFS S3 on 127.0.0.1:$S3_PORT"
  nohup weed server -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="$SEAWEEDFS_MASTER_PORT" -volume.port="$SEAWEEDFS_VOLUME_PORT" -volume.max=0 \
    -master.volumeSizeLimitMB=64 -filer -filer.port="$SEAWEEDFS_FILER_PORT" \
    -s3 -s3.port="$S3_PORT" -s3.config="$dir/s3.json" \
    -s3.port.iceberg=0 -s3.port.lance=0 >"$PLATFORMA_LOGS/seaweedfs.log" 2>&1 &
  echo $! >"$PLATFORMA_DATA/seaweedfs.pid"
  wait_for_port 127.0.0.1 "$S3_PORT" 60 SeaweedFS || failed_with_log "$PLATFORMA_LOGS/seaweedfs.log"
}

seaweedfs_down() { kill_pidfile "$PLATFORMA_DATA/seaweedfs.pid"; }

kill_pidfile() {
  local f="$1" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

# Prints the configuration of the running stack as shell exports.
print_env() {
  echo "export DATABASE_URL='${DATABASE_URL:-$LOCAL_APP_URL}'"
  echo "export DATABASE_SYSTEM_URL='${DATABASE_SYSTEM_URL:-$LOCAL_SYSTEM_URL}'"
  echo "export DATABASE_OWNER_URL='${DATABASE_OWNER_URL:-$LOCAL_OWNER_URL}'"
  echo "export TEMPORAL_ADDRESS='${TEMPORAL_ADDRESS:-127.0.0.1:$TEMPORAL_PORT}'"
  echo "export TEMPORAL_UI_URL='${TEMPORAL_UI_URL:-http://127.0.0.1:$TEMPORAL_UI_PORT}'"
  echo "export KAFKA_BROKERS='${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}'"
  echo "export S3_ENDPOINT='${S3_ENDPOINT:-http://127.0.0.1:$S3_PORT}'"
  echo "export S3_REGION='${S3_REGION:-us-east-1}'"
  echo "export S3_BUCKET='${S3_BUCKET:-$LOCAL_S3_BUCKET}'"
  echo "export S3_ACCESS_KEY_ID='${S3_ACCESS_KEY_ID:-$LOCAL_S3_ACCESS_KEY}'"
  echo "export S3_SECRET_ACCESS_KEY='${S3_SECRET_ACCESS_KEY:-$LOCAL_S3_SECRET_KEY}'"
  echo "export PLATFORMA_PYTHON='${PLATFORMA_PYTHON:-$PLATFORMA_TOOLS/venv/bin/python}'"
  echo "export TEMPORAL_TEST_SERVER_PATH='${TEMPORAL_TEST_SERVER_PATH:-$(command -v temporal-test-server || true)}'"
}

case "${1:-up}" in
  up)
    [[ -n "${DATABASE_URL:-}" ]] || postgres_up
    [[ -n "${TEMPORAL_ADDRESS:-}" ]] || temporal_up
    [[ -n "${KAFKA_BROKERS:-}" ]] || kafka_up
    [[ -n "${S3_ENDPOINT:-}" ]] || seaweedfs_up
    ;;
  down) seaweedfs_down; kafka_down; temporal_down; postgres_down ;;
  env) print_env ;;
  *) echo "usage: $0 up|down|env" >&2; exit 2 ;;
esac
