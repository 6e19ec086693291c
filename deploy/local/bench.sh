#!/usr/bin/env bash
# `npm run bench`: measures the running pipeline on this machine (see test/bench/bench.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/local/ensure-deps.sh
npm run --silent build
bash deploy/local/kafka.sh start
exec node dist/test/bench/bench.js "$@"
