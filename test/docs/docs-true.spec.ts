import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { repoRoot } from '../../libs/inference/src/testing/paths.js';
import { processEnvironment, startApi, type RunningProcess } from '../helpers/app-process.js';
import { checkedFetch } from '../helpers/validated-request.js';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';
import { fileProblems, linkProblems, nameProblems, routeProblems, type KnownNames } from './docs-checks.js';
import { codeSpans, upperSnakeNames } from './markdown-mentions.js';
import {
  declaredConstants,
  DocumentedRoutes,
  envExampleSettings,
  errorCodes,
  modelLoadCodes,
  repositoryFiles,
  type OpenApiPaths,
  schemaSettings,
  toolVariables,
} from './repository-facts.js';

/**
 * The README, CONTRIBUTING.md, the manual in docs/ and the libraries' READMEs name only routes the
 * shipped API documents, settings, codes and variables that exist, files that are there, and links
 * that resolve (issue 20, "Docs that stay true"). CHANGELOG.md is left out: it records what was,
 * including names since gone. The OpenAPI document comes from the artifact `npm start` runs (the
 * bundle, as a process).
 */
const root = repoRoot();
const files = repositoryFiles(root);
const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  ...files.filter((path) => /^(?:apps|libs)\/[^/]+\/README\.md$/.test(path)),
];
/** The pages this repository writes to the 120-column rule; the others are generated or kept as written. */
const WRAPPED = PAGES.filter((page) => page === 'README.md' || page === 'CONTRIBUTING.md' || page.startsWith('docs/'))
  // docs/error-codes.md is generated (its rows carry the catalogue's descriptions), and
  // docs/performance-profile.md is a dated measurement record kept as it was written.
  .filter((page) => !['docs/error-codes.md', 'docs/performance-profile.md'].includes(page));
const read = (page: string) => readFileSync(join(root, page), 'utf8');
const known: KnownNames = {
  settings: envExampleSettings(root),
  errorCodes: errorCodes(),
  modelLoadCodes: modelLoadCodes(root),
  toolVariables: toolVariables(root, files),
  constants: declaredConstants(root, files),
};

describe('the docs say what the code does', () => {
  let database: TestDatabase;
  let work: string;
  let api: RunningProcess;
  let routes: DocumentedRoutes;

  beforeAll(async () => {
    database = await createTestDatabase();
    work = mkdtempSync(join(tmpdir(), 'app_test_docs_'));
    api = await startApi(processEnvironment(database.url, join(work, 'models')));
    const document = (await (await checkedFetch(`${api.baseUrl}/docs-json`)).json()) as OpenApiPaths;
    routes = new DocumentedRoutes(document);
  }, 120_000);

  afterAll(async () => {
    await api?.kill('SIGTERM');
    await database?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('reads the pages and the facts it checks them against', () => {
    expect(PAGES).toEqual(
      expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/configuration.md', 'libs/inference/README.md']),
    );
    expect(WRAPPED).toContain('docs/architecture.md');
    expect(known.settings.has('DATABASE_URL')).toBe(true);
    expect(known.errorCodes.has('VALIDATION_FAILED')).toBe(true);
    expect(known.modelLoadCodes.has('LOAD_TIMEOUT')).toBe(true);
    expect(known.toolVariables.has('TEST_DB')).toBe(true);
    expect(routes.has('POST', '/api/v1/orders')).toBe(true);
  });

  it('names only routes the OpenAPI document has', () => {
    expect(PAGES.flatMap((page) => routeProblems(page, read(page), routes))).toEqual([]);
  });

  it('names only settings, error codes and variables that exist', () => {
    expect(PAGES.flatMap((page) => nameProblems(page, read(page), known))).toEqual([]);
  });

  it('links only to files and headings that exist', () => {
    expect(PAGES.flatMap((page) => linkProblems(page, read(page), root))).toEqual([]);
  });

  it('names only files that exist', () => {
    expect(PAGES.flatMap((page) => fileProblems(page, read(page), files))).toEqual([]);
  });

  it('documents every setting: .env.example, the environment schema and docs/configuration.md agree', () => {
    const documented = new Set(codeSpans(read('docs/configuration.md')).flatMap(({ text }) => upperSnakeNames(text)));
    const oneWord = [...known.settings].filter((name) => !name.includes('_'));
    const missing = [...known.settings].filter((name) => !documented.has(name) && !oneWord.includes(name));
    expect({ missingFromConfigurationDoc: missing }).toEqual({ missingFromConfigurationDoc: [] });
    for (const name of oneWord) expect(read('docs/configuration.md')).toContain(`\`${name}\``);
    expect([...schemaSettings()].sort()).toEqual([...known.settings].sort());
  });

  it('keeps lines within 120 columns', () => {
    const long = WRAPPED.flatMap((page) =>
      read(page)
        .split('\n')
        // A link reference definition holds a URL, which cannot wrap.
        .flatMap((line, index) =>
          line.length > 120 && !/^\[[^\]]+\]:\s*\S+$/.test(line)
            ? [`${page}:${index + 1}: ${line.length} columns`]
            : [],
        ),
    );
    expect(long).toEqual([]);
  });

  it('catches what it is for: a wrong route, name, file, link and anchor in a page', () => {
    const page = [
      '# Sample',
      '## Real heading',
      '`GET /api/v1/products/:id`, `POST /orders`, `/v2/models/{m}[/versions/{v}]/infer`, `/docs`.',
      '`GET /api/v1/products/:id/reviews`, `POST /api/v1/orders/:id/refund`, `/api/v1/wishlists`.',
      '`DATABASE_URL`, `ORDER_NOT_FOUND`, `LOAD_TIMEOUT`, `TEST_DB=mariadb`, `CURRENT_TIMESTAMP(6)`.',
      '`DATABASE_URI`, `ORDER_NOT_FOUNDS`.',
      '`libs/common/src/errors/error-codes.ts`, `model-runtime.ts`, `libs/common/src/errors/nope.ts`.',
      '[ok](docs/api-conventions.md#errors) [ok](#real-heading) [bad](docs/nope.md) [bad](#nope)',
      '[bad](docs/api-conventions.md#nope) [external](https://example.com/x)',
    ].join('\n');
    expect(routeProblems('sample.md', page, routes)).toEqual([
      'sample.md:4: GET /api/v1/products/:id/reviews is not in the OpenAPI document',
      'sample.md:4: POST /api/v1/orders/:id/refund is not in the OpenAPI document',
      'sample.md:4: /api/v1/wishlists is not in the OpenAPI document',
    ]);
    expect(nameProblems('sample.md', page, known).map((problem) => problem.split(' is not')[0])).toEqual([
      'sample.md:6: DATABASE_URI',
      'sample.md:6: ORDER_NOT_FOUNDS',
    ]);
    expect(fileProblems('sample.md', page, files)).toEqual([
      'sample.md:7: libs/common/src/errors/nope.ts: no such file in the repository',
    ]);
    expect(linkProblems('sample.md', page, root)).toEqual([
      'sample.md:8: docs/nope.md: no such file',
      'sample.md:8: #nope: no heading with that anchor',
      'sample.md:9: docs/api-conventions.md#nope: no heading with that anchor',
    ]);
  });
});
