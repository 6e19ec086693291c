#!/usr/bin/env bash
# `npm run up`: the whole stack on this machine, with the site simulator streaming into it.
# Installs what is missing, starts the Kafka broker if none runs, starts ingest, load, alerting and
# api (each migrates its own schema and provisions topics), creates simulator and console keys,
# starts the simulator, and prints every address. Ctrl-C stops everything this script started (a
# broker that was already running stays) and exits 0. KAFKA_PORT (default 9092) picks the local
# broker's port, as for deploy/local/kafka.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

export AIRAN_HOME="${AIRAN_HOME:-$HOME/.cache/airan}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/airan}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
LOGS="$AIRAN_HOME/logs"
mkdir -p "$LOGS"

# Installed before anything starts: a Ctrl-C during the broker's first start (which can take a
# while) must still stop it, since kafka.sh runs it in its own session, out of the terminal's reach.
started_broker=false
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "[up] stopping..."
  # Every background job is a process this script started (services, simulator), including one
  # started just before the signal arrived.
  local started
  started=$(jobs -p)
  for pid in $started; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $started; do wait "$pid" 2>/dev/null || true; done
  # Stops only a broker kafka.sh itself started (its pid file), never one that answered before.
  if $started_broker; then bash deploy/local/kafka.sh stop; fi
  echo "[up] stopped"
}
trap stop_all EXIT
# A requested stop is a clean end, not a failure.
trap 'stop_all; exit 0' INT TERM

bash deploy/local/ensure-deps.sh
npm run --silent build

if ! bash deploy/local/kafka.sh status >/dev/null 2>&1; then
  # Set before starting: an interrupted start still leaves a broker (and its pid file) to stop.
  started_broker=true
  bash deploy/local/kafka.sh start
fi
# Every service connects to the broker's SASL listener as the internal principal.
while IFS= read -r line; do export "${line?}"; done < <(bash deploy/local/kafka.sh credentials)

declare -A PORTS=([api]=3000 [ingest]=3001 [load]=3002 [alerting]=3003 [share]=3004)
# The api reaches alerting's internal routes (rules, silences, acknowledgements) with a key made for this run.
export ALERTING_OPS_TOKEN="${ALERTING_OPS_TOKEN:-$(node -e 'process.stdout.write(require("./dist/libs/auth/src").generateApiKey().key)')}"
export API_ALERTING_URL="${API_ALERTING_URL:-http://127.0.0.1:${PORTS[alerting]}}"
for app in ingest load alerting api share; do
  PORT="${PORTS[$app]}" node "dist/apps/$app/src/main.js" >"$LOGS/$app.log" 2>&1 &
done

for app in ingest load alerting api share; do
  url="http://127.0.0.1:${PORTS[$app]}/health/ready"
  for _ in $(seq 1 120); do
    if curl -fsS "$url" >/dev/null 2>&1; then break; fi
    sleep 0.5
  done
  curl -fsS "$url" >/dev/null 2>&1 || { echo "[up] $app did not become ready; see $LOGS/$app.log" >&2; tail -20 "$LOGS/$app.log" >&2; exit 1; }
done

key() { node dist/apps/api/src/cli/keys.cli.js create "$@" | node -e 'process.stdin.on("data", d => process.stdout.write(JSON.parse(d).key))'; }
# One key per command: bash 5.2 fails to parse the INT trap if Ctrl-C lands while it expands a word
# holding several command substitutions.
skt_key=$(key operator skt simulator)
kt_key=$(key operator kt simulator)
lguplus_key=$(key operator lguplus simulator)
console_key=$(key ops console)

SIM_KEYS="skt=$skt_key,kt=$kt_key,lguplus=$lguplus_key" INGEST_URL="http://127.0.0.1:3001" node dist/apps/simulator/src/main.js >"$LOGS/simulator.log" 2>&1 &

cat <<MSG

airan is up.
  console    http://127.0.0.1:3000/#key=$console_key   (the ops console: fleet, load, GPU nodes, alerts, silences, rules, ingest health)
  api        http://127.0.0.1:3000   (GET /v1/alerts, /v1/alerts/stream, /v1/rules, /v1/silences with "Authorization: Bearer <ops key>")
  ingest     http://127.0.0.1:3001   (POST /v1/telemetry)
  load       http://127.0.0.1:3002   (/health/ready, /metrics)
  alerting   http://127.0.0.1:3003   (/health/ready, /metrics)
  share      http://127.0.0.1:3004   (/health/ready, /metrics): partner topics airan.share.<partnerId>.<product>.v1 on $KAFKA_BROKERS
  kafka      $KAFKA_BROKERS   (SASL_PLAINTEXT: services as the internal principal, partners with SCRAM-SHA-512
             credentials from POST /v1/partners/<partnerId>/kafka-credentials, docs/partners.md)
  postgres   $DATABASE_URL
  logs       $LOGS/{ingest,load,alerting,api,share,simulator}.log
The simulator streams SK Telecom, KT and LG U+ sites; windows close every 60 s of event time.
Press Ctrl-C to stop everything this command started.
MSG

# Stay in the foreground until Ctrl-C (the trap exits), or until one of the processes dies.
wait -n
echo "[up] a process exited; see $LOGS" >&2
exit 1
