#!/usr/bin/env bash
# `npm run chaos`: the reliability campaign (test/chaos/chaos.ts, docs/reliability.md). It starts a Kafka
# broker (deploy/local/kafka.sh on free ports) and a Postgres cluster of its own, so it may run beside
# the test suite. Knobs: CHAOS_SEED, CHAOS_DURATION_S, CHAOS_KILLS, CHAOS_BROKER_RESTARTS,
# CHAOS_PG_RESTARTS, CHAOS_RATE (see docs/reliability.md). Reports go to .chaos/.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/local/ensure-deps.sh
npm run --silent build
exec node dist/test/chaos/chaos.js "$@"
