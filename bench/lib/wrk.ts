/**
 * wrk as the load generator: a generated Lua script cycles through the given requests (formatted
 * once per thread), one client thread, and the text summary parsed back (req/s, latency
 * percentiles with --latency, non-2xx, socket errors).
 */
import { spawn } from 'node:child_process';
import type { BenchRequest, RoundResult } from './load-runner.js';

/** A Lua string literal of any bytes (decimal escapes for everything but plain characters). */
const lua = (text: string | Buffer) => {
  const escaped = [...(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'))].map((byte) => {
    const char = String.fromCharCode(byte);
    return /[A-Za-z0-9 _.,:/=?&-]/.test(char) ? char : `\\${String(byte).padStart(3, '0')}`;
  });
  return `"${escaped.join('')}"`;
};

export function wrkScript(requests: BenchRequest[]): string {
  const rows = requests.map((r) => {
    const headers = Object.entries(r.headers ?? {})
      .map(([name, value]) => `[${lua(name)}] = ${lua(value)}`)
      .join(', ');
    return `  { ${lua(r.method)}, ${lua(r.path)}, { ${headers} }, ${r.body === undefined ? 'nil' : lua(r.body)} },`;
  });
  return [
    'local raw = {',
    ...rows,
    '}',
    'local formatted = {}',
    'local n = 0',
    'function init(args)',
    '  for i, r in ipairs(raw) do formatted[i] = wrk.format(r[1], r[2], r[3], r[4]) end',
    'end',
    'function request()',
    '  n = n + 1',
    '  return formatted[(n - 1) % #formatted + 1]',
    'end',
    '',
  ].join('\n');
}

const toMs = (value: string, unit: string) =>
  Number(value) * ({ us: 0.001, ms: 1, s: 1000, m: 60_000 } as Record<string, number>)[unit];

function parse(output: string): RoundResult {
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(output);
  if (!rate) throw new Error(`wrk gave no summary:\n${output}`);
  const percentile = (p: string) => {
    const match = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(output);
    return match ? toMs(match[1], match[2]) : Number.NaN;
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requestsPerSecond: Number(rate[1]),
    p50Ms: percentile('50'),
    p99Ms: percentile('99'),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0),
    errors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}

export function runWrk(baseUrl: string, script: string, connections: number, seconds: number): Promise<RoundResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'wrk',
      ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '10s', '-s', script, baseUrl],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    child.once('error', reject);
    child.once('exit', (code) => {
      // wrk reports a broken script and carries on with GET /; that must not pass as a figure.
      if (code !== 0 || output.includes(`${script}:`))
        return reject(new Error(`wrk failed (exit ${code}):\n${output}`));
      try {
        resolve(parse(output));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
