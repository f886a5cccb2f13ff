import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { codeSpans, filesIn, headingAnchors, linksIn, routesIn, upperSnakeNames } from './markdown-mentions.js';
import type { DocumentedRoutes } from './repository-facts.js';

/** Each check takes one page and answers its problems as `file:line: what`, empty when the page is true. */

/** Routes that are real but not operations of the OpenAPI document. */
const ROUTES_OUTSIDE_THE_DOCUMENT = new Set([
  // Swagger UI and the document itself are served beside the document, not described in it.
  '/docs',
  '/docs-json',
  // The WebSocket stream: a protocol upgrade, not an HTTP operation (the gateway's STREAM_PATH).
  '/api/v1/inference/stream',
]);

export function routeProblems(file: string, markdown: string, routes: DocumentedRoutes): string[] {
  return codeSpans(markdown).flatMap(({ line, text }) =>
    routesIn(text, routes.resources)
      .filter(({ method, path }) => !ROUTES_OUTSIDE_THE_DOCUMENT.has(path) && !routes.has(method, path))
      .map(
        ({ method, path }) => `${file}:${line}: ${method ? `${method} ` : ''}${path} is not in the OpenAPI document`,
      ),
  );
}

/** Where an UPPER_SNAKE name may come from, each a set read from the repository. */
export interface KnownNames {
  settings: Set<string>;
  errorCodes: Set<string>;
  modelLoadCodes: Set<string>;
  toolVariables: Set<string>;
  constants: Set<string>;
}

/** Names that look like settings or codes but belong to others; each with the reason. */
const NOT_OURS = new Set([
  // Node's own variable (.env.example shows it commented out: the app does not read it).
  'NODE_OPTIONS',
  // The OpenTelemetry SDK's batch-processor variables (OTEL_BSP_SCHEDULE_DELAY, ...), read by the SDK.
  'OTEL_BSP_*',
  // SQL's clock (`CURRENT_TIMESTAMP(6)` is skipped as a call; the bare word is not).
  'CURRENT_TIMESTAMP',
  // SQLite's result code for a locked database, which the unit of work retries.
  'SQLITE_BUSY',
]);

export function nameProblems(file: string, markdown: string, known: KnownNames): string[] {
  const exists = (name: string) =>
    NOT_OURS.has(name) ||
    Object.values(known).some((names: Set<string>) => names.has(name)) ||
    (name.endsWith('_*') && [...known.settings].some((setting) => setting.startsWith(name.slice(0, -1))));
  return codeSpans(markdown).flatMap(({ line, text }) =>
    upperSnakeNames(text)
      .filter((name) => !exists(name))
      .map(
        (name) =>
          `${file}:${line}: ${name} is not a setting of .env.example, a code of the error catalogue, ` +
          'a model-load code, a variable a tool reads or a constant of the code',
      ),
  );
}

export function linkProblems(file: string, markdown: string, root: string): string[] {
  return linksIn(markdown).flatMap(({ line, target }) => {
    if (/^[a-z][a-z+.-]*:/i.test(target)) return [];
    const [pathPart, anchor] = target.split('#', 2);
    let page = markdown;
    if (pathPart) {
      const path = normalize(join(dirname(join(root, file)), decodeURI(pathPart)));
      if (!path.startsWith(root) || !existsSync(path)) return [`${file}:${line}: ${target}: no such file`];
      if (anchor === undefined || !path.endsWith('.md') || statSync(path).isDirectory()) return [];
      page = readFileSync(path, 'utf8');
    }
    return headingAnchors(page).has(anchor ?? '') ? [] : [`${file}:${line}: ${target}: no heading with that anchor`];
  });
}

const TOP_FOLDERS = /^(?:apps|libs|test|bench|scripts|migrations|models|ops|docs|\.ci)\//;

/** Files a page names that live inside an installed package (node_modules is not walked). */
const PACKAGE_FILES = new Set([
  // The nsfwjs package's model files, which libs/inference/src/testing/nsfwjs-fixture.ts reads.
  'model.min.js',
  'group1-shardXofY.min.js',
]);

/** A named file exists: a full path as written; a partial path or a bare name as the end of some file's path. */
export function fileProblems(file: string, markdown: string, files: string[]): string[] {
  const exists = (named: string) =>
    files.some((path) => path === named || (!TOP_FOLDERS.test(named) && path.endsWith(`/${named}`)));
  return codeSpans(markdown).flatMap(({ line, text }) =>
    filesIn(text)
      .filter((named) => !PACKAGE_FILES.has(named) && !exists(named))
      .map((named) => `${file}:${line}: ${named}: no such file in the repository`),
  );
}
