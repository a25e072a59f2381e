#!/usr/bin/env bash
# The test command (`pnpm test`, and what CI runs). On a fresh machine it installs Node 24 and
# pnpm, the dependencies, PostgreSQL, the Temporal dev server, a Kafka broker, the Python test
# tools (OpenAPI validators, Kubernetes API schemas) and Helm, starts what is not already running
# (or uses DATABASE_URL / TEMPORAL_ADDRESS / KAFKA_BROKERS when given), then runs typecheck, lint
# and every test suite against the real services, the README's first session, and last the
# benchmark smoke (`pnpm bench --smoke`).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

prepare_stack
# Python test tools; Helm and the Kubernetes API schemas for the deploy checks.
bash "$ROOT/scripts/install-services.sh" python-test-tools deploy-tools

log "typecheck"
pnpm -s typecheck
log "lint"
pnpm -s lint
log "tests"
pnpm exec vitest run "$@"
# Only on a full run, not for a chosen test file: the README's first session runs alone (its
# dev.sh serves the shared database), and the benchmarks cannot rot: each runs for a second or
# two and fails if its two sides answer differently. Nothing about time is checked.
if [[ $# -eq 0 ]]; then
  log "the README's first session, in a new shell"
  pnpm exec vitest run --config test/readme/vitest.config.ts
  log "benchmark smoke"
  node bench/src/main.ts --smoke
fi
