/**
 * `npm start` and `npm run dev`: runs the shipped bundle (dist/bundle/api.mjs), building first only
 * when a source is newer than the bundle, so a second start on an unchanged checkout listens in about
 * as long as the bundle takes to boot (rebuilding every time took 9-21 s). With --watch (`npm run dev`)
 * it rebuilds and restarts the app whenever apps/ or libs/ change.
 *
 * Plain JavaScript on purpose: it must start without compiling anything itself.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, watch } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bundle = join(root, 'dist', 'bundle', 'api.mjs');
/** What the build reads: the TypeScript sources, the migrations and the build's own settings. */
const SOURCE_DIRS = ['apps', 'libs', 'migrations'];
const SOURCE_FILES = ['tsconfig.json', 'package.json', 'package-lock.json', 'scripts/bundle.ts'];
const watching = process.argv.includes('--watch');

function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestIn(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsCurrent() {
  if (!existsSync(bundle)) return false;
  const sources = Math.max(
    ...SOURCE_DIRS.map((dir) => newestIn(join(root, dir))),
    ...SOURCE_FILES.map((file) => statSync(join(root, file)).mtimeMs),
  );
  return statSync(bundle).mtimeMs >= sources;
}

function buildIfStale() {
  if (buildIsCurrent()) return true;
  console.log('[start] sources changed since the last build: npm run build');
  return spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' }).status === 0;
}

let app;
function startApp() {
  app = spawn(process.execPath, [bundle], { cwd: process.cwd(), stdio: 'inherit' });
  app.on('exit', (code, signal) => {
    if (!watching) process.exit(code ?? (signal ? 1 : 0));
  });
}

function stopApp() {
  return new Promise((done) => {
    if (!app || app.exitCode !== null || app.signalCode !== null) return done();
    app.once('exit', () => done());
    app.kill('SIGTERM');
  });
}

// The app's own shutdown (SIGTERM: drain, flush, close) runs in the child; this one waits for it.
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    if (!app) process.exit(0);
    if (watching) void stopApp().then(() => process.exit(0));
    else app.kill(signal);
  });

if (!buildIfStale()) process.exit(1);
startApp();

if (watching) {
  let timer;
  let restarting = false;
  const restart = async () => {
    if (restarting) return void (timer = setTimeout(restart, 300));
    restarting = true;
    await stopApp();
    if (buildIfStale()) startApp();
    else console.log('[start] the build failed; waiting for the next change');
    restarting = false;
  };
  for (const dir of ['apps', 'libs'])
    watch(join(root, dir), { recursive: true }, (_event, file) => {
      if (!file || !file.endsWith('.ts')) return;
      clearTimeout(timer);
      timer = setTimeout(restart, 300);
    });
  console.log('[start] watching apps/ and libs/: a change rebuilds and restarts the app');
}
