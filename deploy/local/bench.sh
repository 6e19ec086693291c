#!/usr/bin/env bash
# `npm run bench`: measures the running pipeline on this machine (see test/bench/bench.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/local/ensure-deps.sh

# The alert-latency phase compares airan with a real Prometheus + Alertmanager (Debian's packages).
if [[ ",${BENCH_PHASES:-alerts}," == *,alerts,* ]] && { [ ! -x /usr/bin/prometheus ] || [ ! -x /usr/bin/prometheus-alertmanager ]; }; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[bench] installing prometheus and prometheus-alertmanager (Debian packages)..." >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager >/dev/null
  else
    echo "[bench] the alert-latency phase needs Prometheus and Alertmanager: apt-get install -y prometheus prometheus-alertmanager" >&2
  fi
fi

npm run --silent build
bash deploy/local/kafka.sh start
# The bench's clients and the services it starts connect as the broker's internal principal.
while IFS= read -r line; do export "${line?}"; done < <(bash deploy/local/kafka.sh credentials)
exec node dist/test/bench/bench.js "$@"
