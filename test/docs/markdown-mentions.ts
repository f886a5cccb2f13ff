/**
 * What a Markdown page names that the code can contradict: routes, UPPER_SNAKE names (settings,
 * error codes), repository files and relative links. Plain text only, no Markdown library: the
 * docs use a small, regular subset (headings, lists, tables, inline code, fenced blocks).
 */

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);
/** Paths served outside /api/v1. */
const ROOT_PATHS = /^\/(?:v2|health|metrics|docs|docs-json|api\/v1)(?:[/?]|$)|^\/$/;

/** Every line with its number, and whether it sits inside a fenced block (fence lines themselves are dropped). */
function markdownLines(markdown: string): { line: number; text: string; fenced: boolean }[] {
  let fenced = false;
  return markdown.split('\n').flatMap((text, index) => {
    if (!/^\s*```/.test(text)) return [{ line: index + 1, text, fenced }];
    fenced = !fenced;
    return [];
  });
}

const linesOutsideFences = (markdown: string) => markdownLines(markdown).filter((line) => !line.fenced);

/** Each inline code span and each line of a fenced block, with its line number. */
export function codeSpans(markdown: string): { line: number; text: string }[] {
  return markdownLines(markdown).flatMap(({ line, text, fenced }) =>
    fenced ? [{ line, text }] : [...text.matchAll(/`([^`]+)`/g)].map((match) => ({ line, text: match[1] })),
  );
}

/**
 * Routes in a code span: `METHOD /path` (a path outside ROOT_PATHS is under /api/v1), a bare
 * `/api/v1/...` or `/v2/...` path, a URL on the local server, or a bare path whose first segment is
 * one of the API's resources (`/products/:id`). Query strings are dropped; `[/optional]` parts
 * are expanded both ways.
 */
export function routesIn(span: string, resources: ReadonlySet<string>): { method?: string; path: string }[] {
  const tokens = span
    .replace(/\[\?[^\]]*\]/g, '')
    .split(/\s+/)
    .filter(Boolean);
  const found: { method?: string; path: string }[] = [];
  tokens.forEach((raw, index) => {
    const token = raw.replace(/^["'(]+/, '').replace(/[)"',.;:]+$/, '');
    const path = localPath(token);
    if (!path) return;
    const previous = tokens[index - 1];
    const method = previous && METHODS.has(previous) ? previous : undefined;
    const bare = path.replace(/\?.*$/, '');
    const first = bare.split('/')[1] ?? '';
    let absolute: string;
    if (ROOT_PATHS.test(bare)) absolute = bare;
    else if (method || resources.has(first)) absolute = `/api/v1${bare}`;
    else return;
    // A whole-span `/metrics` or `/health` names the route; inside a longer span it may be a file path.
    if (!method && !/^\/(?:api\/v1|v2)\b/.test(absolute) && span.trim() !== raw) return;
    for (const expanded of expandOptional(absolute)) found.push({ method, path: expanded });
  });
  return found;
}

function localPath(token: string): string | undefined {
  const url = /^(?:https?|wss?):\/\/(?:localhost|127\.0\.0\.1|host)(?::\d+)?(\/\S*)$/.exec(token);
  if (url) return url[1];
  const shell = /^\$\{?\w+\}?(\/\S*)$/.exec(token);
  if (shell) return shell[1];
  return token.startsWith('/') && !token.startsWith('//') ? token : undefined;
}

function expandOptional(path: string): string[] {
  const optional = /\[([^\]]+)\]/.exec(path);
  if (!optional) return [path];
  const before = path.slice(0, optional.index);
  const after = path.slice(optional.index + optional[0].length);
  return [...expandOptional(before + after), ...expandOptional(before + optional[1] + after)];
}

/**
 * UPPER_SNAKE names in a code span (`DATABASE_URL`, `ORDER_NOT_FOUND`, `OTEL_BSP_*`), except SQL
 * functions (`CURRENT_TIMESTAMP(6)`); a single word counts only as an assignment (`PORT=3000`).
 */
export function upperSnakeNames(span: string): string[] {
  const names = [...span.matchAll(/(?<![\w.$-])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?:_\*)?)(?![\w(])/g)].map(
    (match) => match[1],
  );
  for (const match of span.matchAll(/(?:^|\s)([A-Z][A-Z0-9]+)=/g)) names.push(match[1]);
  return [...new Set(names)];
}

const FILE_EXTENSIONS = /\.(?:ts|js|mjs|json|jsonc|yml|yaml|md|sh|txt)$/;

/**
 * Repository files in a code span: a full path (`libs/serving/src/...`, `.ci/run`), a partial path
 * (`jobs/job-reconciler.service.ts`) or a file name (`model-runtime.ts`), known by its extension (or
 * by `.ci/`). Left out: folders, which a page names for what they hold; patterns (`dense-*.ts`,
 * `{api,worker}.mjs`, `<name>`); packages (`@scope/...`); build output (`dist/`); runtime paths
 * (`./data/...`, `/app/...`).
 */
export function filesIn(span: string): string[] {
  return span
    .split(/\s+/)
    .map((token) =>
      token
        .replace(/^["'(]+/, '')
        .replace(/[)"',;:]+$/, '')
        .replace(/^\.\//, ''),
    )
    .filter(
      (token) =>
        token &&
        !/[*{}<>…$?=]|\.\.\./.test(token) &&
        // A bare name is a file's (lower case: `model-runtime.ts`), not a product's (`TF.js`).
        (token.includes('/') || /^[a-z0-9._-]/.test(token)) &&
        !/^(?:@|dist\/|data\/|node_modules\/|\/|~|\.\.|https?:)/.test(token) &&
        !token.endsWith('/') &&
        /^[\w./-]+$/.test(token) &&
        (FILE_EXTENSIONS.test(token) || token.startsWith('.ci/')),
    );
}

/** Relative links `[text](target)` and reference definitions `[label]: target` outside code. */
export function linksIn(markdown: string): { line: number; target: string }[] {
  return linesOutsideFences(markdown).flatMap(({ line, text }) => {
    const prose = text.replace(/`[^`]*`/g, '');
    return [
      ...[...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => ({ line, target: match[1] })),
      ...[...prose.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/g)].map((match) => ({ line, target: match[1] })),
    ];
  });
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as `-`, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const { text } of linesOutsideFences(markdown)) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const base = heading[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}
