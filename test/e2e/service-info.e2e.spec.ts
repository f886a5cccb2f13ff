import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { repoRoot } from '../../libs/inference/src/testing/paths.js';
import { displayTitle } from '../../apps/api/src/home/package-info.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('GET / (service info)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers the name and version from package.json and links that each answer, without a token', async () => {
    const pkg = JSON.parse(readFileSync(`${repoRoot()}/package.json`, 'utf8')) as { name: string; version: string };
    const info = (await t.http().get('/').expect(200)).body;
    expect(info).toEqual({
      name: pkg.name,
      version: pkg.version,
      docs: '/docs',
      openapi: '/docs-json',
      health: '/health',
      ready: '/health/ready',
      metrics: '/metrics',
    });
    for (const link of [info.docs, info.openapi, info.health, info.ready, info.metrics]) {
      expect([link, (await t.http().get(link).redirects(1)).status]).toEqual([link, 200]);
    }
    // Outside the API prefix: /api/v1/ is not it.
    await t.http().get('/api/v1').expect(404);
  });

  it('names and versions itself the same in the README title, GET /, the OpenAPI info and GET /v2', async () => {
    const pkg = JSON.parse(readFileSync(`${repoRoot()}/package.json`, 'utf8')) as { name: string; version: string };
    const title = displayTitle(pkg.name);
    expect(title).toBe('AI Commerce API');
    const readmeTitle = readFileSync(`${repoRoot()}/README.md`, 'utf8').split('\n')[0];
    expect(readmeTitle).toBe(`# ${title} (${pkg.name} ${pkg.version})`);
    expect((await t.http().get('/').expect(200)).body).toMatchObject({ name: pkg.name, version: pkg.version });
    const { info } = (await t.http().get('/docs-json').expect(200)).body;
    expect(info).toMatchObject({ title, version: pkg.version });
    const v2 = await t.http().get('/v2').set('Authorization', `Bearer ${t.adminToken}`).expect(200);
    expect(v2.body).toMatchObject({ name: pkg.name, version: pkg.version });
  });

  it('the README sends readers nowhere outside the repository, and the conventions page it links exists', () => {
    const readme = readFileSync(`${repoRoot()}/README.md`, 'utf8');
    expect(readme).not.toMatch(/\.\.\/shared|\]\(\.\.\//);
    expect(readme).toContain('docs/api-conventions.md');
    const conventions = readFileSync(`${repoRoot()}/docs/api-conventions.md`, 'utf8');
    for (const topic of [
      '## Errors',
      '`code`',
      '## Pagination',
      '## Money',
      '## Auth',
      '## Rate limits',
      '## Idempotency',
      '## Timestamps',
    ])
      expect(conventions).toContain(topic);
  });

  it('is described in the OpenAPI document', async () => {
    const document = (await t.http().get('/docs-json').expect(200)).body;
    const operation = document.paths['/']?.get;
    expect(operation).toBeDefined();
    const schema = operation.responses['200'].content['application/json'].schema;
    expect(schema.$ref).toBe('#/components/schemas/ServiceInfoDto');
    expect(Object.keys(document.components.schemas.ServiceInfoDto.properties).sort()).toEqual([
      'docs',
      'health',
      'metrics',
      'name',
      'openapi',
      'ready',
      'version',
    ]);
  });
});
