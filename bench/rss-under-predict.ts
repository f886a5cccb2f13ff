/**
 * Resident memory of the shipped bundle under sustained 1-row predict load (sensor-anomaly, 64
 * connections), with no heap flag from the operator: the API as `node dist/bundle/api.mjs` starts
 * it. RSS and V8's heap in use are sampled every RSS_EVERY_SECONDS; the line printed last gives
 * min / max / last and last ÷ first sample under load (1.00 = flat). API_NODE_ARGS adds Node flags
 * to compare a setting (e.g. API_NODE_ARGS=--max-semi-space-size=4) in a run of its own.
 *
 *   npm run build && RSS_SECONDS=120 RSS_EVERY_SECONDS=10 npx tsx bench/rss-under-predict.ts
 */
import { onePredict, startBenchApp } from './lib/bench-app.js';
import { rssUnderLoad } from './lib/rss-under-load.js';

const app = await startBenchApp();
try {
  const load = onePredict(app);
  const [predict] = load.requests;
  const check = await fetch(`${app.baseUrl}${predict.path}`, predict);
  if (!check.ok) throw new Error(`predict: ${check.status} ${await check.text()}`);
  console.log(`node ${process.version}, API_NODE_ARGS '${process.env.API_NODE_ARGS ?? ''}'`);
  await rssUnderLoad(app, load, 'of 1-row predict');
} finally {
  await app.stop();
}
