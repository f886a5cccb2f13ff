/**
 * POST /api/v1/orders of this build beside a baseline build (e.g. the code before a change), in
 * the same run: each on a fresh database of its own with the same products, customers and order
 * requests (32 customers, 1-3 lines over 50 hot products, 32 connections), alternating rounds
 * (bench/lib/load-runner.ts), then the oversell check on both. The peer (FastAPI +
 * SQLAlchemy) did 55-73 orders/s on this machine (Node 20 at 269-359 orders/s was 4.9× it), so
 * ≥ 10× the peer is roughly ≥ 700 orders/s.
 *
 *   npm run build && git worktree add /tmp/before <commit> && (cd /tmp/before && ln -s $PWD/node_modules \
 *     && bash scripts/build-into.sh .build/before)     # or scripts/build-into.sh on a checkout of it
 *   BENCH_DB=mariadb BENCH_BASELINE_DIR=/tmp/before/.build/before npx tsx bench/orders-vs-baseline.ts
 */
import { compare, settings } from './lib/load-runner.js';
import { ORDER_CONNECTIONS, engine, prepareOrderLoad, startCommerceStack } from './lib/order-load.js';

const buildDir = process.env.BENCH_BUILD_DIR ?? 'dist';
const baselineDir = process.env.BENCH_BASELINE_DIR;
if (!baselineDir) throw new Error('BENCH_BASELINE_DIR: the baseline build (a scripts/build-into.sh output folder)');
/** Few products: the orders touch 50 of them; the catalogue size does not matter to them. */
const productCount = Number(process.env.BENCH_PRODUCTS ?? 1000);

const product = await startCommerceStack(buildDir, productCount);
const baseline = await startCommerceStack(baselineDir, productCount);
try {
  const productLoad = await prepareOrderLoad(product);
  const baselineLoad = await prepareOrderLoad(baseline);
  const result = await compare(
    `POST /api/v1/orders (1-3 lines) [${engine}], ${buildDir} vs ${baselineDir}`,
    { baseUrl: product.base, requests: productLoad.requests },
    { baseUrl: baseline.base, requests: baselineLoad.requests },
    ORDER_CONNECTIONS,
    'baseline',
  );
  const seconds = settings.warmupSeconds + settings.rounds * settings.roundSeconds;
  const ok = [
    await productLoad.check('product', seconds, result.product.non2xx),
    await baselineLoad.check('baseline', seconds, result.ceiling.non2xx),
  ];
  if (ok.includes(false)) process.exitCode = 1;
} finally {
  await product.stop();
  await baseline.stop();
}
