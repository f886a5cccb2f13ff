import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  name: string;
  version: string;
}

/** Words spelled as acronyms in the display title. */
const ACRONYMS = new Set(['ai', 'api', 'ml']);

/** The display title derived from the package name: `ai-commerce-api` is "AI Commerce API". */
export function displayTitle(name: string): string {
  return name
    .split('-')
    .map((word) => (ACRONYMS.has(word) ? word.toUpperCase() : word.charAt(0).toUpperCase() + word.slice(1)))
    .join(' ');
}

/**
 * The service's name and version from the nearest package.json above this file (the repository
 * root from both the sources and dist/). Read once, at boot: the answer cannot change while the
 * process runs.
 */
export function readPackageInfo(from = dirname(fileURLToPath(import.meta.url))): PackageInfo {
  cached ??= findPackageInfo(from);
  return cached;
}
let cached: PackageInfo | undefined;

function findPackageInfo(from: string): PackageInfo {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const { name, version } = JSON.parse(readFileSync(file, 'utf8')) as Partial<PackageInfo>;
      return { name: name ?? 'unknown', version: version ?? '0.0.0' };
    }
    if (dirname(dir) === dir) return { name: 'unknown', version: '0.0.0' };
  }
}
