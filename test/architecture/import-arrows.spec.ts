import { describe, expect, it } from '@jest/globals';
import { cycles, decoratedClasses, importEdges, type ImportEdge } from './import-graph.js';

// Arrows point down: apps import libs, never the reverse; the worker app imports nothing from the
// API app (the serving modules it runs live in libs/serving); no lib declares a controller or a
// gateway (the apps serve HTTP and WebSocket); users never import auth; no two feature modules or
// libs import each other, directly or round a loop. The sources are parsed with the TypeScript
// compiler API (no extra tool); see README "Layout".

const edges = importEdges(['apps', 'libs']);
const offending = (rule: (edge: ImportEdge) => boolean) => edges.filter(rule).map(({ from, to }) => `${from} -> ${to}`);

/**
 * The module a file belongs to: its top folder under apps/api/src or libs/serving/src (feature
 * modules; the API's `models` and the lib's `models` are two modules); a lib; the worker app.
 */
function moduleOf(file: string): string {
  const feature = /^((?:apps\/api|libs\/serving)\/src\/[^/]+)\//.exec(file);
  if (feature) return feature[1];
  return /^(libs\/[^/]+|apps\/[^/]+)/.exec(file)?.[1] ?? file;
}

describe('import arrows', () => {
  it('sees the sources (the parser resolves relative imports and tsconfig aliases)', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges).toContainEqual({
      from: 'apps/api/src/app.module.ts',
      to: 'libs/config/src/index.ts',
      typeOnly: false,
    });
    expect(edges).toContainEqual({
      from: 'apps/worker/src/worker.module.ts',
      to: 'libs/serving/src/index.ts',
      typeOnly: false,
    });
    expect(edges).toContainEqual({
      from: 'apps/api/src/oip/oip.service.ts',
      to: 'libs/serving/src/inference/inference.service.ts',
      typeOnly: false,
    });
  });

  it('libs declare no controller and no WebSocket gateway (the apps serve them)', () => {
    const routes = decoratedClasses(['apps', 'libs'], ['Controller', 'WebSocketGateway']);
    expect(routes).toContainEqual({ file: 'apps/api/src/models/models.controller.ts', decorator: 'Controller' });
    expect(routes).toContainEqual({
      file: 'apps/api/src/inference/stream/inference-stream.gateway.ts',
      decorator: 'WebSocketGateway',
    });
    expect(routes.filter(({ file }) => file.startsWith('libs/'))).toEqual([]);
  });

  it('libs never import apps', () => {
    expect(offending(({ from, to }) => from.startsWith('libs/') && to.startsWith('apps/'))).toEqual([]);
  });

  it('the worker imports nothing from the API app', () => {
    expect(offending(({ from, to }) => from.startsWith('apps/worker/') && to.startsWith('apps/api/'))).toEqual([]);
  });

  it('the API app never imports the worker app', () => {
    expect(offending(({ from, to }) => from.startsWith('apps/api/') && to.startsWith('apps/worker/'))).toEqual([]);
  });

  it('users never import auth (roles belong to users; auth depends on users)', () => {
    expect(
      offending(({ from, to }) => from.startsWith('apps/api/src/users/') && to.startsWith('apps/api/src/auth/')),
    ).toEqual([]);
  });

  it('the HTTP lib (route metadata, Swagger helpers) imports nothing above it: only itself and the common lib', () => {
    expect(
      offending(
        ({ from, to }) =>
          from.startsWith('libs/http/') && !to.startsWith('libs/http/') && !to.startsWith('libs/common/'),
      ),
    ).toEqual([]);
  });

  it('no module imports another that imports it back, directly or round a loop (run-time imports)', () => {
    const moduleEdges = edges
      .filter((edge) => !edge.typeOnly)
      .map(({ from, to }): [string, string] => [moduleOf(from), moduleOf(to)]);
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
