import { existsSync, rmSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the first folder above this file holding both package.json and models/. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'models'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** models/<name>/<version>/ of the models the product ships. */
export function shippedModelDir(name: 'sensor-anomaly' | 'order-value', version = '1.0.0'): string {
  return resolve(repoRoot(), 'models', name, version);
}

const created: string[] = [];
// Temporary folders (some hold 10 MB model copies) go when the test process exits.
process.once('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the process exits. */
export async function tempDir(prefix = 'inference-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Copies an artifact folder to a new temporary folder (to corrupt it safely). */
export async function copyArtifact(source: string): Promise<string> {
  const target = join(await tempDir(), 'model');
  await cp(source, target, { recursive: true });
  return target;
}

/** test/fixtures/onnx/<name>.onnx, made by scripts/make-onnx-fixtures.py and committed. */
export function onnxFixture(name: string): string {
  return resolve(repoRoot(), 'test', 'fixtures', 'onnx', `${name}.onnx`);
}
