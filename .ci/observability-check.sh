#!/usr/bin/env bash
# The observability profile validates: the compose file with the profile, the files it mounts, the
# Prometheus config (promtool) and every dashboard query as PromQL (promtool, as recording rules).
# That each query names metrics the app exports is tested in test/e2e/observability.e2e.spec.ts.
# No Docker engine is needed. promtool comes from Debian's prometheus package, extracted, not
# installed (nothing starts).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker-compose >/dev/null; then
  # Debian's docker-compose (1.29) validates the file, profiles included; `config` needs no engine.
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
fi
export JWT_SECRET=ci-placeholder-secret-for-validation-only
docker-compose config -q
docker-compose --profile observability config -q
# Read once into a variable: `grep -q` quitting early could SIGPIPE compose and fail the pipe (pipefail).
services="$(docker-compose --profile observability config --services)"
for service in prometheus grafana; do
  grep -qx "$service" <<<"$services" || { echo "FAIL: no $service service"; exit 1; }
done
# Compose validates the file, not the bind mounts' sources.
for file in ops/prometheus/prometheus.yml ops/grafana/provisioning/datasources/prometheus.yml \
  ops/grafana/provisioning/dashboards/dashboards.yml ops/grafana/dashboards/ai-commerce.json; do
  [ -f "$file" ] || { echo "FAIL: $file is mounted by docker-compose.yml but missing"; exit 1; }
done

tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
(cd "$tools" && { apt-get download prometheus >/dev/null 2>&1 || { apt-get update -qq && apt-get download prometheus >/dev/null; }; } && dpkg -x prometheus_*.deb .)
promtool="$tools/usr/bin/promtool"
"$promtool" check config ops/prometheus/prometheus.yml
# Grafana's $__rate_interval is not PromQL; any range stands in for it. JSON is YAML.
node -e '
  const dashboard = require(process.argv[1]);
  const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
  const rules = panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr))
    .map((expr, index) => ({ record: `dashboard:query_${index}`, expr: expr.replaceAll("$__rate_interval", "5m") }));
  if (rules.length === 0) { console.error("no queries in the dashboard"); process.exit(1); }
  console.log(JSON.stringify({ groups: [{ name: "dashboard", rules }] }));
' "$PWD/ops/grafana/dashboards/ai-commerce.json" > "$tools/dashboard-rules.yml"
"$promtool" check rules "$tools/dashboard-rules.yml"
echo "observability profile: compose, Prometheus config and $(grep -o '"record"' "$tools/dashboard-rules.yml" | wc -l) dashboard queries are valid"
