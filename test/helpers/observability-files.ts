import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../libs/inference/src/testing/paths.js';

/** The provisioned Grafana dashboard, as committed (ops/grafana/dashboards). */
export const DASHBOARD_FILE = join(repoRoot(), 'ops', 'grafana', 'dashboards', 'ai-commerce.json');

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

/** Every PromQL expression of the dashboard, with its panel's title. */
export function dashboardQueries(file = DASHBOARD_FILE): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { panels: Panel[] };
  const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
  return panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));
}

/**
 * The metric names a PromQL expression selects. The dashboard writes every selector with braces
 * (`name{job="api"}`), so a name is an identifier directly followed by `{`; label names inside the
 * braces are followed by `=`/`!=`/`=~`, and functions and `by (...)` by `(`.
 */
export function metricNames(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((match) => match[1]);
}

/**
 * The series names a /metrics page can produce: every `# TYPE` line's name, plus `_bucket`, `_sum`
 * and `_count` for histograms and summaries. TYPE lines appear even before a labelled metric has a
 * sample, so a counter that has not counted yet (failures) is still found.
 */
export function exportedSeriesNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

/** The `node -e` command of the Dockerfile's HEALTHCHECK (its exec-form JSON array). */
export function dockerHealthcheck(): string[] {
  const dockerfile = readFileSync(join(repoRoot(), 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const line = dockerfile.split('\n').find((row) => row.startsWith('HEALTHCHECK'));
  if (!line) throw new Error('Dockerfile declares no HEALTHCHECK');
  return JSON.parse(line.slice(line.indexOf('CMD') + 3).trim()) as string[];
}

/** The user the final image stage runs as (the last USER instruction), or root when none. */
export function dockerRuntimeUser(): string {
  const users = readFileSync(join(repoRoot(), 'Dockerfile'), 'utf8')
    .split('\n')
    .filter((row) => row.startsWith('USER '));
  return users.length ? users[users.length - 1].slice(5).trim() : 'root';
}
