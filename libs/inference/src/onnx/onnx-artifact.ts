import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The file name an ONNX version is stored under inside its artifact folder. */
export const ONNX_FILE = 'model.onnx';

/** The .onnx file a source names (the file itself, or a folder holding model.onnx); undefined for TF.js sources. */
export function onnxModelPath(source: string): string | undefined {
  if (source.toLowerCase().endsWith('.onnx')) return source;
  const inFolder = join(source, ONNX_FILE);
  return existsSync(inFolder) && statSync(source).isDirectory() ? inFolder : undefined;
}

/** Hex SHA-256 of the .onnx file and its size, streamed (models can be large). */
export async function onnxChecksum(path: string): Promise<{ checksum: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { checksum: hash.digest('hex'), sizeBytes };
}
