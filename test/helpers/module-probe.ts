import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Preloaded with --import: records every module the process resolves (ES) or requires (CommonJS). */
export function writeModuleProbe(dir: string, out: string): string {
  const hook =
    "import { appendFileSync } from 'node:fs'; " +
    'export async function resolve(specifier, context, next) { ' +
    'const result = await next(specifier, context); ' +
    `appendFileSync(${JSON.stringify(out)}, result.url + '\\n'); return result; }`;
  const probe = join(dir, 'probe.mjs');
  const source = [
    "import { appendFileSync } from 'node:fs';",
    "import { createRequire, register } from 'node:module';",
    `register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));`,
    `process.on('exit', () => appendFileSync(${JSON.stringify(out)}, ` +
      "Object.keys(createRequire(import.meta.url).cache).join('\\n')));",
    '',
  ].join('\n');
  writeFileSync(probe, source);
  return pathToFileURL(probe).href;
}
