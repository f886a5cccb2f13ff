import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from './import-graph.js';

// Lines a reviewer can read side by side: no source line past Prettier's printWidth. Prettier wraps
// code at that width but never a string, a template or a comment, so this catches what it leaves.
const MAX_COLUMNS = 120;

const SOURCE = /\.(ts|js|mjs)$/;
/** Folders of installed or generated files, never ours: skipped where git cannot say what is tracked. */
const NOT_SOURCES = new Set(['node_modules', 'dist', 'coverage', 'data', 'tmp', '.build', '.git']);

/**
 * Every tracked .ts/.js/.mjs file: git knows what is ours (no node_modules, dist or build output). A
 * tree without git (an exported source tree, as the Node 26 CI leg tests) is walked instead.
 */
function trackedSources(): string[] {
  if (!existsSync(path.join(REPO_ROOT, '.git'))) return walkedSources();
  const listed = execFileSync('git', ['ls-files', '-z', '--', '*.ts', '*.js', '*.mjs'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return listed.split('\0').filter((file) => file !== '');
}

function walkedSources(folder = ''): string[] {
  return readdirSync(path.join(REPO_ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
    const file = folder === '' ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory()) return NOT_SOURCES.has(entry.name) ? [] : walkedSources(file);
    return SOURCE.test(entry.name) ? [file] : [];
  });
}

function longLines(file: string, text = readFileSync(path.join(REPO_ROOT, file), 'utf8')): string[] {
  return text
    .split('\n')
    .flatMap((line, index) => (line.length > MAX_COLUMNS ? [`${file}:${index + 1} (${line.length} columns)`] : []));
}

describe('line length', () => {
  const files = trackedSources();

  it('sees the sources', () => {
    expect(files).toContain('apps/api/src/app.module.ts');
    expect(files.length).toBeGreaterThan(300);
  });

  it('walks, where there is no git, to every file git tracks', () => {
    const walked = new Set(walkedSources());
    expect(files.filter((file) => !walked.has(file))).toEqual([]);
  });

  it(`no line is longer than ${MAX_COLUMNS} columns`, () => {
    expect(files.flatMap((file) => longLines(file))).toEqual([]);
  });

  it('finds a long line where there is one, and only there', () => {
    const text = ['short', 'x'.repeat(MAX_COLUMNS), 'y'.repeat(MAX_COLUMNS + 1)].join('\n');
    expect(longLines('example.ts', text)).toEqual([`example.ts:3 (${MAX_COLUMNS + 1} columns)`]);
  });
});
