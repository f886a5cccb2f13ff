import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { ERROR_CODES } from '@app/common';
import { EnvironmentVariables } from '@app/config';

/** What the docs may name, read from the repository and the code, never copied into the test. */

const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'data', 'coverage', '.git', '.build']);

/** Every file of the working tree (paths relative to the root, `/`-separated), build output and packages aside. */
export function repositoryFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (SKIPPED_FOLDERS.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(root, path).split('\\').join('/'));
    }
  };
  walk(root);
  return files;
}

/** The names `.env.example` sets (uncommented `NAME=` lines). */
export function envExampleSettings(root: string): Set<string> {
  const text = readFileSync(join(root, '.env.example'), 'utf8');
  return new Set([...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]));
}

/** The settings the app validates at boot: the properties of libs/config's EnvironmentVariables. */
export function schemaSettings(): Set<string> {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(EnvironmentVariables, '', true, false);
  return new Set(metadata.map((entry) => entry.propertyName));
}

/** The error-code catalogue (libs/common/src/errors/error-codes.ts). */
export function errorCodes(): Set<string> {
  return new Set(Object.keys(ERROR_CODES));
}

/** Why a model artifact did not load (libs/inference's ModelLoadErrorCode): shown in readiness, not in error bodies. */
export function modelLoadCodes(root: string): Set<string> {
  const source = readFileSync(join(root, 'libs/inference/src/errors.ts'), 'utf8');
  const union = /type ModelLoadErrorCode =([^;]+);/.exec(source)?.[1] ?? '';
  return new Set([...union.matchAll(/'([A-Z_]+)'/g)].map((match) => match[1]));
}

/**
 * Variables the repository's tools read rather than the app: `process.env.NAME` in bench/, scripts/,
 * test/ and the root's config files (jest.config.js), `$NAME` or `${NAME` in the shell scripts, the
 * compose file and the Dockerfile.
 */
export function toolVariables(root: string, files: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    if (/^(?:(?:bench|scripts|test)\/.*\.ts|[^/]+\.js)$/.test(file) && !file.startsWith('test/docs/')) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const match of text.matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g))
        names.add(match[1] ?? match[2]);
    } else if (/^(?:\.ci\/|scripts\/.*\.sh$|docker-compose\.yml$|Dockerfile$)/.test(file)) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const match of text.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)) names.add(match[1]);
    }
  }
  return names;
}

/** UPPER_SNAKE constants, enums and classes declared in the product's code (apps/, libs/). */
export function declaredConstants(root: string, files: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files.filter((path) => /^(?:apps|libs)\/.*\.ts$/.test(path) && !path.endsWith('.spec.ts'))) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const match of text.matchAll(/\b(?:const|let|enum)\s+([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/g)) names.add(match[1]);
  }
  return names;
}

/** The part of an OpenAPI document the routes are read from. */
export interface OpenApiPaths {
  paths: Record<string, Record<string, unknown>>;
}

interface Operation {
  method: string;
  segments: string[];
}

const isParameter = (segment: string) => /^(?:\{[^}]+\}|:\w+|<[^>]+>)$/.test(segment);
const segmentsOf = (path: string) => (path === '/' ? [''] : path.replace(/\/$/, '').split('/').slice(1));

/** The operations of an OpenAPI document, matched the way a reader means a path. */
export class DocumentedRoutes {
  private readonly operations: Operation[];
  /** The first segments under /api/v1 (`products`, `orders`, ...). */
  readonly resources: Set<string>;

  constructor(document: OpenApiPaths) {
    this.operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), segments: segmentsOf(path) })),
    );
    this.resources = new Set(
      this.operations.filter((op) => op.segments[0] === 'api' && op.segments[1] === 'v1').map((op) => op.segments[2]),
    );
  }

  /**
   * With a method: an operation of that method on that path. Without: some operation's path starts
   * with it (a bare path may name a family, `/api/v1/inference`). A parameter matches a parameter of
   * any name; a literal matches itself, or a parameter as an example value (`/versions/champion`);
   * `*` matches the rest.
   */
  has(method: string | undefined, path: string): boolean {
    const wanted = segmentsOf(path);
    return this.operations.some((operation) => {
      if (method && operation.method !== method) return false;
      const star = wanted.indexOf('*');
      if (star >= 0) return matches(wanted.slice(0, star), operation.segments.slice(0, star));
      if (method ? wanted.length !== operation.segments.length : wanted.length > operation.segments.length)
        return false;
      return matches(wanted, operation.segments.slice(0, wanted.length));
    });
  }
}

function matches(wanted: string[], documented: string[]): boolean {
  if (wanted.length !== documented.length) return false;
  return wanted.every((segment, index) =>
    isParameter(segment)
      ? isParameter(documented[index])
      : segment === documented[index] || isParameter(documented[index]),
  );
}
