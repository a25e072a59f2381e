#!/usr/bin/env bash
# The benchmark command (`pnpm bench`). Like `pnpm test`, it installs what is missing and starts the
# local services (or uses DATABASE_URL / TEMPORAL_ADDRESS / KAFKA_BROKERS when given), then runs the
# benchmarks, which print numbers and ratios measured side by side and assert nothing about time.
# Usage: pnpm bench [--only read|admission] [--duration S] [--warmup S] [--connections N] [--pool N]
#                   [--tenant-cache-ms MS] [--tenants N]   (pnpm bench --help lists the benchmarks)
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

prepare_stack

log "benchmarks"
node bench/src/main.ts "$@"
