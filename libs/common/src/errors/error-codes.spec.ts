import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { renderErrorCodesMarkdown } from './error-codes-doc.js';
import { ERROR_CODE_NAMES, ERROR_CODES } from './error-codes.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The compiled tree this spec runs from (dist/ or BUILD_DIR): libs/common/src/errors is four levels down. */
const buildRoot = join(here, '..', '..', '..', '..');
/** The repository: the first folder above the build holding package.json and docs/. */
function repoRoot(): string {
  for (let dir = buildRoot; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'docs'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** The catalogue and its renderings; anything else that names a code is a use of it. */
const CATALOGUE_FILES = /errors[/\\](error-codes|error-codes-doc|error-body)\.ts$/;

function productSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'testing' || entry.name === 'node_modules' ? [] : productSources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') && !path.endsWith('.d.ts') && !CATALOGUE_FILES.test(path)
      ? [path]
      : [];
  });
}

// The TypeScript sources, not the build: a build folder can hold files of sources since deleted.
const sources = ['apps', 'libs']
  .flatMap((top) => productSources(join(repoRoot(), top)))
  .map((path) => readFileSync(path, 'utf8'));

describe('error code catalogue', () => {
  it('holds upper-snake codes, each with a status of 4xx or 5xx and a meaning', () => {
    for (const code of ERROR_CODE_NAMES) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(ERROR_CODES[code].status).toBeGreaterThanOrEqual(400);
      expect(ERROR_CODES[code].status).toBeLessThan(600);
      expect(ERROR_CODES[code].description.length).toBeGreaterThan(10);
    }
  });

  it('has no code that no product source uses (no never-thrown codes)', () => {
    const unused = ERROR_CODE_NAMES.filter((code) => !sources.some((text) => text.includes(`'${code}'`)));
    expect(unused).toEqual([]);
  });

  it('knows every code a product source throws (the types enforce it; this guards casts)', () => {
    const errorClasses = [
      'DomainError',
      'BadRequestError',
      'UnauthorizedError',
      'ForbiddenError',
      'NotFoundError',
      'ConflictError',
      'UnavailableError',
      'TooManyRequestsError',
    ];
    const throwSite = new RegExp(`new (?:${errorClasses.join('|')})\\('([A-Z][A-Z0-9_]+)'`, 'g');
    const thrown = new Set(sources.flatMap((text) => [...text.matchAll(throwSite)].map((match) => match[1])));
    expect(thrown.size).toBeGreaterThan(20);
    expect([...thrown].filter((code) => !(code in ERROR_CODES))).toEqual([]);
  });

  it('is what docs/error-codes.md lists (regenerate with npm run docs:error-codes)', () => {
    expect(readFileSync(join(repoRoot(), 'docs', 'error-codes.md'), 'utf8')).toBe(renderErrorCodesMarkdown());
  });
});
