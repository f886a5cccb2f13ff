#!/usr/bin/env bash
# The ops commands of docs/operations.md, exactly as written, from a production-only install of the
# built output (`npm ci --omit=dev`: no tsx, no TypeScript), against a fresh MariaDB database; then the schema
# they leave is checked: every migration applied, no drift between entities and schema, and the
# same tables and columns as the source checkout's command builds. Needs `npm run build` first.
# Usage: bash .ci/prod-migrations.sh   (TEST_MARIADB_URL, default mariadb://root@127.0.0.1:3306)
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=$PWD
server="${TEST_MARIADB_URL:-mariadb://root@127.0.0.1:3306}"
server="${server%/}"
mysql_args=(-uroot -h127.0.0.1)

work="$(mktemp -d)"
prod_db="ci_prod_migrations_test_$$"
source_db="ci_source_migrations_test_$$"
cleanup() {
  mysql "${mysql_args[@]}" -e "DROP DATABASE IF EXISTS \`$prod_db\`; DROP DATABASE IF EXISTS \`$source_db\`" || true
  rm -rf "$work"
}
trap cleanup EXIT
for db in "$prod_db" "$source_db"; do
  mysql "${mysql_args[@]}" -e "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
done

echo "--- production-only install of the built output (what the image holds)"
mkdir -p "$work/app"
cp -a dist package.json package-lock.json "$work/app/"
(cd "$work/app" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
# tsx (what the npm scripts load ormconfig.ts with) and the test tools must be absent. typescript
# and ts-node are there, as peer dependencies of @nestjs/swagger and typeorm; the command loads
# plain JavaScript (dist/ormconfig.js) and uses neither.
for dev in tsx jest tsc-alias @nestjs/cli; do
  if [ -e "$work/app/node_modules/$dev" ]; then echo "FAIL: dev dependency $dev in the production install"; exit 1; fi
done

echo "--- docs/operations.md (built image / output): npx typeorm migration:run -d dist/ormconfig.js"
cd "$work/app"
export DATABASE_URL="$server/$prod_db"
npx typeorm migration:run -d dist/ormconfig.js > "$work/run.log" 2>&1 || { cat "$work/run.log"; exit 1; }
# CI=true makes the CLI colour its output (supports-color): strip the escapes before counting.
npx typeorm migration:show -d dist/ormconfig.js | sed -E 's/\x1b\[[0-9;]*m//g' | tee "$work/show.txt"
applied=$(grep -c '^\[X\]' "$work/show.txt" || true)
expected=$(ls "$source_dir"/migrations/[0-9]*.ts | wc -l)
if grep -q '^\[ \]' "$work/show.txt" || [ "$applied" -ne "$expected" ]; then
  echo "FAIL: $applied of $expected migrations applied"; exit 1
fi
# Drift check from the production install: entities (compiled) against the migrated schema.
npx typeorm migration:generate "$work/drift" -d dist/ormconfig.js --check --dr
unset DATABASE_URL

echo "--- docs/operations.md (source checkout): npm run migration:run"
cd "$source_dir"
DATABASE_URL="$server/$source_db" npm run --silent migration:run > "$work/source.log" 2>&1 || { cat "$work/source.log"; exit 1; }

echo "--- both ways build the same schema"
schema() {
  mysqldump "${mysql_args[@]}" --no-data --skip-comments --skip-dump-date "$1" | sed -E 's/ AUTO_INCREMENT=[0-9]+//'
  mysql "${mysql_args[@]}" -N -e "SELECT name FROM \`$1\`.migrations ORDER BY id"
}
schema "$prod_db" > "$work/prod.sql"
schema "$source_db" > "$work/source.sql"
diff -u "$work/source.sql" "$work/prod.sql"
echo "production install: $applied of $expected migrations applied, no drift, schema identical to the source checkout's ($(grep -c '^CREATE TABLE' "$work/prod.sql") tables)"
