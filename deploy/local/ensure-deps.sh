#!/usr/bin/env bash
# Installs what the project needs on a fresh machine with Node, Java and Maven: npm packages (when
# node_modules is missing or older than the lockfile), Debian packages the tests use as real peers,
# and a running local Postgres.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[deps] installing npm packages (npm ci)..." >&2
  npm ci --no-audit --no-fund --loglevel=error
fi

# Real peers the tests talk to, from Debian's packages: Alertmanager (alerting's push), kcat
# (librdkafka: a Kafka client that is not ours, for the partner topics), with what deploy/local/kcat.sh
# needs to build the newer librdkafka it runs on (a C compiler, OpenSSL's and zlib's headers), and
# Chromium, the browser the console's tests drive with playwright-core (browsers are not downloaded).
missing=()
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v make >/dev/null 2>&1 && command -v gcc >/dev/null 2>&1 || missing+=(build-essential)
[ -f /usr/include/openssl/ssl.h ] || missing+=(libssl-dev)
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[deps] installing ${missing[*]} (Debian packages)..." >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "[deps] the tests need: apt-get install ${missing[*]}" >&2
  fi
fi

pg_answers() { node -e "
  const { Client } = require('pg');
  const c = new Client({ connectionString: process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres', connectionTimeoutMillis: 3000 });
  c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));"; }

# With containers (test/support/test-infra.ts picks them: AIRAN_TESTCONTAINERS=1, or a Docker engine and not
# AIRAN_TESTCONTAINERS=0), the test set-up starts its own Postgres: no local server is needed.
uses_containers() {
  [ "${AIRAN_TESTCONTAINERS:-}" = 1 ] && return 0
  [ "${AIRAN_TESTCONTAINERS:-}" = 0 ] && return 1
  [ -n "${DOCKER_HOST:-}" ] || [ -e /var/run/docker.sock ]
}

if ! uses_containers && ! pg_answers; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "[deps] starting the local PostgreSQL cluster..." >&2
    version=$(ls /etc/postgresql | sort -V | tail -1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  fi
  pg_answers || { echo "[deps] PostgreSQL 15 is required on 127.0.0.1:5432 (user postgres, trust auth), or set TEST_POSTGRES_URL / DATABASE_URL" >&2; exit 1; }
fi

bash deploy/local/kcat.sh ensure
