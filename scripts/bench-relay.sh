#!/usr/bin/env bash
# The relay benchmark (`pnpm bench:relay`): outbox relay vs. a raw producer sending the same
# messages, and commit-to-consumer latency at a steady rate. Like `pnpm bench`, it installs what is
# missing and starts the local services (or uses the configured ones); the benchmark starts a Kafka
# broker of its own. Usage: pnpm bench:relay [--events N] [--rate R] [--duration S]
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

prepare_stack
export KAFKA_LIBS="${KAFKA_LIBS:-$(ls -d "$PLATFORMA_TOOLS"/kafka-*/libs 2>/dev/null | head -1)}"

node bench/src/relay-main.ts "$@"
