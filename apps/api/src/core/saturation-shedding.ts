import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { answerFromHook } from './error-body.js';

/** How often the event-loop delay is read. */
export const SATURATION_SAMPLE_MS = 100;
/**
 * Consecutive samples over the limit before model calls are shed: one long task (a boot step, a
 * model loaded on this thread, a full GC) blocks the loop once and is not saturation.
 */
export const SATURATED_SAMPLES = 3;
/** The delay monitor's timer period; like @fastify/under-pressure, the delay is what exceeds it. */
const RESOLUTION_MS = 10;
/** Seconds a caller refused for saturation is told to wait. */
const RETRY_AFTER_S = 1;

export interface SaturationShedding {
  /** Mean event-loop delay (ms, per sample) above which model calls are refused; 0: never. */
  maxLoopDelayMs: number;
  /** The routes that run a model on request (predict, V2 infer): only those are refused. */
  isModelRoute: (routeUrl: string) => boolean;
  onShed: () => void;
}

/**
 * Sheds model calls before anything else is done for them when the HTTP thread itself is saturated.
 *
 * A version's queue refuses what it cannot start in time (503 INFERENCE_OVERLOADED), but only once the
 * request has been read, on the one thread that also answers /health. Offered more than that thread
 * can read, requests wait unseen in the sockets, where no deadline counts, and every other route waits
 * with them. The event-loop delay is sampled (perf_hooks' monitorEventLoopDelay, as
 * @fastify/under-pressure does, which refuses after a single slow sample); while the mean delay has been
 * over the limit for SATURATED_SAMPLES samples in a row, a call to a model route is answered 503
 * INFERENCE_OVERLOADED with Retry-After in its onRequest hook, before rate limiting, authentication and
 * the body (an unauthenticated caller learns only that the server is saturated). Every other route
 * (health, metrics, commerce, jobs) goes on. Such a refusal is counted (inference_saturation_shed_total)
 * but not recorded in the prediction log: no input was read.
 */
export function installSaturationShedding(fastify: FastifyInstance, options: SaturationShedding): void {
  if (options.maxLoopDelayMs <= 0) return;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  let delayMs = 0;
  let saturatedSamples = 0;
  let sampler: NodeJS.Timeout | undefined;
  // Sampled from the moment the server listens: the boot (modules, models loaded and warmed up on this
  // thread) blocks the loop for seconds, and would refuse the first calls after it.
  fastify.addHook('onListen', async () => {
    histogram.enable();
    sampler = setInterval(() => {
      // No sample at all means the loop never got back to the monitor's timer: as saturated as it gets.
      const mean = histogram.count === 0 ? Infinity : histogram.mean / 1e6;
      histogram.reset();
      delayMs = Math.max(0, mean - RESOLUTION_MS);
      saturatedSamples = delayMs > options.maxLoopDelayMs ? saturatedSamples + 1 : 0;
    }, SATURATION_SAMPLE_MS).unref();
  });
  fastify.addHook('onClose', async () => {
    clearInterval(sampler);
    histogram.disable();
  });
  // A callback hook: it runs on every request, and most pass straight through.
  fastify.addHook('onRequest', (request, reply, done) => {
    if (saturatedSamples < SATURATED_SAMPLES || !options.isModelRoute(request.routeOptions.url ?? '')) return done();
    options.onShed();
    // Answered here like the early refusal (no error path), and `done` is not called.
    answerFromHook(request, reply, {
      status: 503,
      code: 'INFERENCE_OVERLOADED',
      message:
        `the server is saturated (event-loop delay ${Math.round(delayMs)} ms, ` +
        `limit ${options.maxLoopDelayMs} ms); retry shortly`,
      retryAfterS: RETRY_AFTER_S,
    });
  });
}
