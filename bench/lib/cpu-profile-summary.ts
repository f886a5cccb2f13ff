/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time grouped by package / app module, the top
 * functions by self time, and inclusive time of the per-request concerns (a sample counts for a
 * concern when any frame on its stack matches; concerns overlap). Percentages are of busy samples
 * (idle left out), so they stay meaningful on a loaded machine.
 *
 *   npx tsx bench/lib/cpu-profile-summary.ts prof/x.cpuprofile [--skip-ms 4000] [--top 25]
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Inclusive concerns, matched against `url functionName` of every frame on a sample's stack. */
const CONCERNS: Array<[string, RegExp]> = [
  ['Nest pipeline (@nestjs/core: guards, interceptors, pipes, router)', /node_modules\/@nestjs\/core\//],
  ['rxjs (Nest interceptors)', /node_modules\/rxjs\//],
  ['Fastify (routing, hooks, reply)', /node_modules\/(fastify|find-my-way|avvio)\//],
  [
    'request hooks: logging (pino + app core/logging)',
    /node_modules\/(pino|sonic-boom|thread-stream|pino-std-serializers)\/|core\/logging\.js/,
  ],
  ['request hooks: metrics (prom-client + app metrics)', /node_modules\/prom-client\/|\/metrics\//],
  ['request hooks: rate limit', /node_modules\/@fastify\/rate-limit\/|core\/rate-limit/],
  ['request id / security headers / payload guards', /request-id|security-headers|helmet|payload-(guards|budget)/],
  ['JWT verify (@nestjs/jwt, jsonwebtoken)', /node_modules\/(@nestjs\/jwt|jsonwebtoken|jws|jwa)\//],
  [
    'auth guard + user lookup (app auth/)',
    /\/auth\/(jwt-auth\.guard|credentials\.service|token\.service|auth-user|api-keys)/,
  ],
  [
    'validation (class-validator, class-transformer, app validation)',
    /node_modules\/(class-validator|class-transformer)\/|\/validation\//,
  ],
  ['TypeORM (query build, hydration)', /node_modules\/typeorm\//],
  ['database driver (better-sqlite3 / mysql2)', /node_modules\/(better-sqlite3|sqlite3|mysql2)\//],
  [
    'response serialisation (Fastify serialize, JSON.stringify)',
    /fast-json-stringify|node_modules\/fastify\/\S* serialize\w*$|[ .]stringify$/m,
  ],
  [
    'prediction log (inference records; its INSERT runs after an await, so TypeORM below counts it)',
    /inference\/records\/|canonicalize/,
  ],
  ['TF.js (dispatch + kernels)', /node_modules\/@tensorflow\//],
  ['OpenTelemetry', /node_modules\/@opentelemetry\//],
  ['garbage collector', /\(garbage collector\)/],
];

/** The package (node_modules), app/lib module (dist/...), node core area, or V8 pseudo-frame. */
function groupOf({ url, functionName }: CallFrame): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native / builtin)';
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/(apps\/[^/]+\/src|libs\/[^/]+\/src)\/([^/]+)/.exec(url);
  if (own) return `${own[1].replace('/src', '')}/${own[2].replace(/\.js$/, '')}`;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/');
}

const args = process.argv.slice(2);
const option = (name: string, fallback: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback;
const file = args.find((arg, index) => !arg.startsWith('--') && !args[index - 1]?.startsWith('--'))!;
const skipMs = option('--skip-ms', 0);
const top = option('--top', 25);

const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const self = new Map<string, number>();
const functions = new Map<string, number>();
const concerns = new Map<string, number>();
const inclusive = new Map<string, number>();
let busy = 0;
let elapsedUs = 0;
profile.samples.forEach((id, index) => {
  elapsedUs += profile.timeDeltas[index];
  if (elapsedUs < skipMs * 1000) return;
  const frame = byId.get(id)!.callFrame;
  if (frame.functionName === '(idle)') return;
  busy += 1;
  const group = groupOf(frame);
  self.set(group, (self.get(group) ?? 0) + 1);
  const name = `${frame.functionName || '(anonymous)'}  ${group}:${frame.lineNumber + 1}`;
  functions.set(name, (functions.get(name) ?? 0) + 1);
  const stack: string[] = [];
  const groups = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const { callFrame } = byId.get(at)!;
    stack.push(`${callFrame.url} ${callFrame.functionName}`);
    if (callFrame.url) groups.add(groupOf(callFrame));
  }
  for (const seen of groups) inclusive.set(seen, (inclusive.get(seen) ?? 0) + 1);
  const text = stack.join('\n');
  for (const [concern, pattern] of CONCERNS)
    if (pattern.test(text)) concerns.set(concern, (concerns.get(concern) ?? 0) + 1);
});

const pct = (n: number) => `${((n / busy) * 100).toFixed(1).padStart(5)} %`;
const print = (title: string, counts: Map<string, number>, limit: number) => {
  console.log(`\n${title}`);
  for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, limit)) console.log(`  ${pct(n)}  ${name}`);
};
console.log(`${file}: ${busy} busy samples (idle excluded${skipMs ? `, first ${skipMs} ms skipped` : ''})`);
print('self time by package / module', self, top);
print('top functions by self time', functions, top);
print('inclusive time by package / module (on the stack; async continuations lose their callers)', inclusive, top);
print('inclusive time of per-request concerns (overlapping)', concerns, CONCERNS.length);
