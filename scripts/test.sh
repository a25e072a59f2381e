#!/usr/bin/env bash
# The test command (`pnpm test`, and what CI runs). On a fresh machine it installs Node 24 and
# pnpm, the dependencies, PostgreSQL, the Temporal dev server, a Kafka broker and the Python test
# tools (OpenAPI validators), starts what is not already running (or uses DATABASE_URL /
# TEMPORAL_ADDRESS / KAFKA_BROKERS when given), then runs typecheck, lint and every test suite
# against the real services, and last the benchmark smoke (`pnpm bench --smoke`).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

prepare_stack
bash "$ROOT/scripts/install-services.sh" python-test-tools

log "typecheck"
pnpm -s typecheck
log "lint"
pnpm -s lint
log "tests"
pnpm exec vitest run "$@"
# The benchmarks cannot rot: each runs for a second or two and fails if its two sides answer
# differently. Nothing about time is checked. Only on a full run, not for a chosen test file.
if [[ $# -eq 0 ]]; then
  log "benchmark smoke"
  node bench/src/main.ts --smoke
fi
