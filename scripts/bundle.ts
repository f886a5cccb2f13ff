/**
 * Bundles the built entry points (dist/apps/{api,worker}/src/main.js) with their packages into one
 * ES module each, dist/bundle/{api,worker}.mjs: what `npm run start:prod` and the image run.
 *
 * Why: about two thirds of a boot was Node resolving, reading and compiling ~3 700 separate module
 * files (docs/performance-profile.md, "Boot"); one file removes the resolution and most of the
 * per-file cost. Nothing changes at run time: the code is the tsc output, names are kept (Nest and
 * Swagger read class names), and these packages stay outside, loaded from node_modules as usual:
 *
 * - native addons and packages that read their own files at run time: better-sqlite3, TF.js (the wasm
 *   backend loads its .wasm binaries, and registers into the one tfjs-core beside it), swagger-ui-dist
 *   (the /docs assets), bullmq and ioredis (Lua scripts, package files), pino and thread-stream
 *   (worker files), msgpackr(-extract);
 * - the packages OpenTelemetry instruments by hooking the module loader (mysql2, ioredis,
 *   better-sqlite3, and @opentelemetry/* itself), so tracing sees them load (test/e2e/tracing);
 * - onnxruntime-node (native); its host, dist/bundle/onnx-host.mjs, is an entry of its own, started by
 *   path in worker threads and child processes (libs/inference/src/onnx/host-channel.ts);
 * - anything that does not resolve here: optional peers that Nest and TypeORM load only when used
 *   (microservices, other database drivers). They fail at run time exactly as in the unbundled app.
 *
 * The bundled app is what the process-level tests start (test/helpers/app-process.ts), and
 * test/e2e/bundle.e2e.spec.ts checks it serves the same OpenAPI document as the modules it was built from.
 *
 *   npm run build   (runs this after tsc)
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

const root = resolve(import.meta.dirname, '..');

const KEPT_OUT = [
  'better-sqlite3',
  // The wasm backend registers itself in its own @tensorflow/tfjs-core: one copy for all of TF.js.
  '@tensorflow/',
  'swagger-ui-dist',
  'bullmq',
  'ioredis',
  'mysql2',
  'pino',
  'thread-stream',
  'msgpackr',
  'msgpackr-extract',
  '@opentelemetry/',
  'opentelemetry-plugin-better-sqlite3',
  // A native addon with its shared library beside it.
  'onnxruntime-node',
];

const keptOut = (specifier: string): boolean =>
  KEPT_OUT.some((name) =>
    name.endsWith('/') ? specifier.startsWith(name) : specifier === name || specifier.startsWith(`${name}/`),
  );

/** Whether the package a bare specifier names is installed where Node would look for it from `fromDir`. */
function installed(specifier: string, fromDir: string): boolean {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return true;
    if (dirname(dir) === dir) return false;
  }
}

const packagesLeftOut: Plugin = {
  name: 'packages-left-out',
  setup(bundler) {
    bundler.onResolve({ filter: /^[^./]/ }, ({ path, resolveDir }) => {
      if (path.startsWith('node:') || keptOut(path) || !installed(path, resolveDir)) return { external: true };
      return undefined;
    });
  },
};

/**
 * @nestjs/typeorm reads two optional TypeORM 0.3 exports through `createRequire(import.meta.url)`,
 * which esbuild cannot see: in the bundle that would load a second TypeORM from node_modules
 * (about 90 ms of a boot, and two copies of its classes). Point it at the bundled one instead; the
 * build fails if the file no longer looks as expected, rather than quietly loading two.
 */
const oneTypeorm: Plugin = {
  name: 'one-typeorm',
  setup(bundler) {
    bundler.onLoad({ filter: /@nestjs[\\/]typeorm[\\/]dist[\\/]common[\\/]typeorm-compat\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!source.includes("require('typeorm')"))
        throw new Error(`${path} no longer calls require('typeorm'): review scripts/bundle.ts`);
      return {
        contents:
          `import * as bundledTypeorm from 'typeorm';\n` + source.replace("require('typeorm')", 'bundledTypeorm'),
        loader: 'js',
      };
    });
  },
};

const result = await build({
  entryPoints: {
    api: join(root, 'dist/apps/api/src/main.js'),
    worker: join(root, 'dist/apps/worker/src/main.js'),
    // The process side of ONNX sessions (worker threads, inspection child): started by path, so an entry of its own.
    'onnx-host': join(root, 'dist/libs/inference/src/onnx/onnx-host.js'),
  },
  outdir: join(root, 'dist/bundle'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // The entry's `await import('./start-api.js')` becomes its own chunk, so the app and the packages it
  // imports load after tracing has hooked the module loader, as in the unbundled app.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [packagesLeftOut, oneTypeorm],
  // CommonJS packages inside an ES module bundle call require() for builtins and the packages left out.
  banner: {
    js:
      "import { createRequire as __bundleCreateRequire } from 'node:module'; " +
      'const require = __bundleCreateRequire(import.meta.url);',
  },
});
if (result.errors.length > 0) process.exit(1);
