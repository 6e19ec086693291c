#!/usr/bin/env bash
# `npm test`: the whole suite on a fresh clone. Installs dependencies if missing, type-checks, builds, makes sure
# Postgres answers, starts the local Kafka broker (deploy/local/kafka.sh, reused when running) and
# runs unit and integration tests. Extra arguments go to Jest.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The results file describes this run only: a run that fails before Jest reports (dependencies,
# build, global setup) must leave none behind, not the previous run's counts (.ci/run reads it).
rm -f .test-results/jest.json

bash deploy/local/ensure-deps.sh
# swc strips types without checking them: the checker runs first, over the services, the tests and the console.
npm run --silent typecheck
npm run --silent build

mkdir -p .test-results
# Integration tests spawn the built services as real processes against the real broker and database.
exec npx jest --ci --json --outputFile=.test-results/jest.json "$@"
