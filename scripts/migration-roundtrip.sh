#!/usr/bin/env bash
# Migrations up, down (every one, newest first, in one process: scripts/migrations-revert-all.ts) and
# up again, then the drift check, against DATABASE_URL.
set -euo pipefail
export TS_NODE_TRANSPILE_ONLY=1
count=$(ls migrations/[0-9]*.ts | wc -l)
run() { npm run --silent "$@" > /tmp/migration-roundtrip.log 2>&1 || { cat /tmp/migration-roundtrip.log; exit 1; }; }
run migration:run
npx tsx scripts/migrations-revert-all.ts > /tmp/migration-roundtrip.log 2>&1 || { cat /tmp/migration-roundtrip.log; exit 1; }
grep -qx "reverted $count migrations" /tmp/migration-roundtrip.log || { cat /tmp/migration-roundtrip.log; exit 1; }
run migration:run
npm run --silent migration:check
echo "migrations: up, down x$count, up again and drift check passed on ${DATABASE_URL:-sqlite (default)}"
