import { describe, expect, it } from '@jest/globals';
import { cycles, importEdges, type ImportEdge } from './import-graph.js';

// Arrows point down: apps import libs, never the reverse; the worker app does not reach into the
// API app beyond the serving modules it runs; users never import auth; no two feature modules
// import each other, directly or round a loop. The sources are parsed with the TypeScript
// compiler API (no extra tool); see README "Layout".

const edges = importEdges(['apps', 'libs']);
const offending = (rule: (edge: ImportEdge) => boolean) => edges.filter(rule).map(({ from, to }) => `${from} -> ${to}`);

/**
 * What apps/worker may still import from apps/api/src: the serving feature modules it runs and
 * the schema they own. Moving them into a lib is planned (README "Layout"); everything else
 * (config, database, logging, shutdown, tracing) comes from libs/.
 */
const WORKER_MAY_IMPORT = ['apps/api/src/models/', 'apps/api/src/inference/', 'apps/api/src/metrics/', 'apps/api/src/health/', 'apps/api/src/database/schema.ts'];

/** The module an app file belongs to: its top folder under apps/api/src; a lib; the worker app. */
function moduleOf(file: string): string {
  const feature = /^apps\/api\/src\/([^/]+)\//.exec(file);
  if (feature) return feature[1];
  return /^(libs\/[^/]+|apps\/[^/]+)/.exec(file)?.[1] ?? file;
}

describe('import arrows', () => {
  it('sees the sources (the parser resolves relative imports and tsconfig aliases)', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges).toContainEqual({ from: 'apps/api/src/app.module.ts', to: 'libs/config/src/index.ts', typeOnly: false });
    expect(edges).toContainEqual({ from: 'apps/api/src/auth-metadata/auth-user.ts', to: 'apps/api/src/users/role.ts', typeOnly: true });
  });

  it('libs never import apps', () => {
    expect(offending(({ from, to }) => from.startsWith('libs/') && to.startsWith('apps/'))).toEqual([]);
  });

  it('the worker imports from apps/api only the serving modules it runs', () => {
    expect(offending(({ from, to }) => from.startsWith('apps/worker/') && to.startsWith('apps/api/') && !WORKER_MAY_IMPORT.some((allowed) => to.startsWith(allowed)))).toEqual([]);
  });

  it('the API app never imports the worker app', () => {
    expect(offending(({ from, to }) => from.startsWith('apps/api/') && to.startsWith('apps/worker/'))).toEqual([]);
  });

  it('users never import auth (roles belong to users; auth depends on users)', () => {
    expect(offending(({ from, to }) => from.startsWith('apps/api/src/users/') && to.startsWith('apps/api/src/auth/'))).toEqual([]);
  });

  it('the auth metadata imports nothing above it: only roles (as types) and the Swagger helpers', () => {
    const allowed = (to: string) => to.startsWith('apps/api/src/auth-metadata/') || to.startsWith('apps/api/src/api-docs/') || to.startsWith('libs/') || to === 'apps/api/src/users/role.ts';
    expect(offending(({ from, to }) => from.startsWith('apps/api/src/auth-metadata/') && !allowed(to))).toEqual([]);
  });

  it('no module imports another that imports it back, directly or round a loop (run-time imports)', () => {
    const moduleEdges = edges.filter((edge) => !edge.typeOnly).map(({ from, to }): [string, string] => [moduleOf(from), moduleOf(to)]);
    expect(cycles(moduleEdges)).toEqual([]);
  });

  it('finds a loop where there is one', () => {
    expect(
      cycles([
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
        ['c', 'd'],
      ]),
    ).toEqual([['a', 'b', 'c']]);
    expect(
      cycles([
        ['a', 'b'],
        ['b', 'c'],
      ]),
    ).toEqual([]);
  });
});
