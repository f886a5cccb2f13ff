import { Logger } from '@nestjs/common';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  IsEmail,
} from 'class-validator';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from '@app/database';
import { generatedJwtSecret } from './jwt-secret-file.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const DURATION = /^\d+\s*(ms|s|m|h|d)?$/;
const SIZE = /^\d+\s*(b|kb|mb)?$/i;
/** One proxy address: a named range, or an address or CIDR. */
const PROXY_ADDRESS = String.raw`(loopback|linklocal|uniquelocal|[0-9a-f.:]+(\/\d{1,3})?)`;
const TRUST_PROXY = new RegExp(String.raw`^(false|\d{1,2}|${PROXY_ADDRESS}(\s*,\s*${PROXY_ADDRESS})*)$`, 'i');

const list = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;

/** Every setting the app reads. `.env.example` lists the same names with their defaults. */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test']) NODE_ENV: 'development' | 'production' | 'test' = 'development';
  @Type(() => Number) @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsString() HOST: string = '0.0.0.0';

  @IsString() DATABASE_URL: string = DEFAULT_DATABASE_URL;
  @Transform(list) @IsString({ each: true }) DATABASE_REPLICA_URLS: string[] = [];
  @Type(() => Number) @IsInt() @Min(1) @Max(500) DATABASE_POOL_SIZE: number = 10;
  /** Requests that may wait for a pooled connection (mysql/mariadb); more get 503 at once. 0 = unbounded. */
  @Type(() => Number) @IsInt() @Min(0) DATABASE_POOL_QUEUE_LIMIT: number = 500;
  /** The longest a request waits for a pooled connection (mysql/mariadb) before a 503. */
  @Type(() => Number) @IsInt() @Min(1) DATABASE_ACQUIRE_TIMEOUT_MS: number = 5000;
  /**
   * A query (mysql/mariadb) that has not answered after this long fails (503) and its connection is dropped. 0 = none.
   */
  @Type(() => Number) @IsInt() @Min(0) DATABASE_QUERY_TIMEOUT_MS: number = 30_000;
  /** Apply pending migrations at boot. On by default for SQLite only; ops run them for MySQL. */
  @IsOptional() @IsIn(['true', 'false']) DATABASE_MIGRATE_ON_BOOT?: 'true' | 'false';

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;
  @Matches(DURATION, { message: 'JWT_EXPIRES_IN must be a duration like 3600, 15m, 1h or 7d' }) JWT_EXPIRES_IN: string =
    '1h';
  @Type(() => Number) @IsInt() @Min(4) @Max(15) BCRYPT_ROUNDS: number = 10;
  /** How often an open WebSocket stream re-checks its token (expiry, deactivation, revocation). */
  @Type(() => Number) @IsInt() @Min(50) @Max(3_600_000) STREAM_AUTH_RECHECK_MS: number = 5000;
  /** Open WebSocket streams one user may hold per process. */
  @Type(() => Number) @IsInt() @Min(1) @Max(10_000) STREAM_MAX_SOCKETS_PER_USER: number = 8;

  @IsOptional() @IsEmail() ADMIN_EMAIL?: string;
  @IsOptional() @IsString() @MinLength(8) ADMIN_PASSWORD?: string;
  @IsOptional() @Matches(/^[A-Za-z0-9_]{3,50}$/) ADMIN_USERNAME?: string;

  @Transform(list) @IsString({ each: true }) CORS_ORIGINS: string[] = [];
  /** How long a browser may cache a preflight's answer (Access-Control-Max-Age). */
  @Type(() => Number) @IsInt() @Min(0) @Max(86_400) CORS_MAX_AGE_S: number = 600;
  @Matches(SIZE, { message: 'BODY_LIMIT must be a size like 1mb or 512kb' }) BODY_LIMIT: string = '1mb';
  @Matches(SIZE, { message: 'INFERENCE_BODY_LIMIT must be a size like 16mb' }) INFERENCE_BODY_LIMIT: string = '16mb';
  /** The longest a client may take to send a whole request, headers and body (408 after it). */
  @Type(() => Number) @IsInt() @Min(1000) HTTP_REQUEST_TIMEOUT_MS: number = 120_000;
  /** A connection that sends or receives nothing for this long is closed (0 = never). */
  @Type(() => Number) @IsInt() @Min(0) HTTP_CONNECTION_TIMEOUT_MS: number = 60_000;
  /** How long an idle keep-alive connection stays open; keep it above the load balancer's idle timeout. */
  @Type(() => Number) @IsInt() @Min(1) HTTP_KEEP_ALIVE_TIMEOUT_MS: number = 72_000;
  /** SIGTERM: the whole shutdown (drain requests, close sockets, flush, close pools) gets this long. */
  @Type(() => Number) @IsInt() @Min(1000) SHUTDOWN_TIMEOUT_MS: number = 10_000;
  /** Deepest JSON nesting accepted in a body or stream frame (image inputs need about 6). */
  @Type(() => Number) @IsInt() @Min(8) @Max(1000) JSON_MAX_DEPTH: number = 64;
  /** Inference/ingest bodies above this size, and every stream frame, draw on LARGE_BODY_BUDGET. */
  @Matches(SIZE, { message: 'LARGE_BODY_THRESHOLD must be a size like 256kb' }) LARGE_BODY_THRESHOLD: string = '256kb';
  /** Bytes of large bodies and stream frames admitted at once; beyond it: 503 with Retry-After. */
  @Matches(SIZE, { message: 'LARGE_BODY_BUDGET must be a size like 64mb' }) LARGE_BODY_BUDGET: string = '32mb';
  @IsIn(LOG_LEVELS) LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';
  /** V8's heap growth past what a full collection kept (percent; 0: V8's own): libs/platform/src/heap-growth.ts. */
  @Type(() => Number) @IsInt() @Min(0) @Max(1000) HEAP_GROWING_PERCENT: number = 20;

  @Type(() => Number) @IsInt() @Min(1) RATE_LIMIT_TTL_MS: number = 60_000;
  @Type(() => Number) @IsInt() @Min(1) RATE_LIMIT_MAX: number = 600;
  @Type(() => Number) @IsInt() @Min(1) LOGIN_RATE_LIMIT_MAX: number = 10;
  /** Per authenticated user: high enough that one client can use the whole predict capacity. */
  @Type(() => Number) @IsInt() @Min(1) RATE_LIMIT_USER_MAX: number = 600_000;
  /** The longest a request waits for the shared (Redis) rate-limit store before it is let through. */
  @Type(() => Number) @IsInt() @Min(1) @Max(60_000) RATE_LIMIT_STORE_TIMEOUT_MS: number = 250;
  /** Which proxies may set X-Forwarded-For: false, a hop count, or comma-separated addresses/CIDRs. */
  @Matches(TRUST_PROXY, {
    message:
      'TRUST_PROXY must be false, a hop count, or comma-separated ' +
      'addresses/CIDRs (or loopback, linklocal, uniquelocal)',
  })
  TRUST_PROXY: string = 'false';
  /** An account with more failed sign-ins than this in one login window (RATE_LIMIT_TTL_MS) is under attack. */
  @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000) AUTH_SUSPICIOUS_FAILURES: number = 10;
  /**
   * Refused credentials (token_rejected, api_key_used_after_expiry) are stored once per address, reason
   * and key per window of this length; the repeats become one summary row with their count at its end.
   */
  @Type(() => Number) @IsInt() @Min(100) @Max(3_600_000) AUTH_EVENTS_REPEAT_WINDOW_MS: number = 60_000;

  /** Where uploaded model artifacts are stored: MODELS_DIR/<name>/<version>/. */
  @IsString() MODELS_DIR: string = './data/models';
  /** The models that ship with the product (installed and deployed at boot when not registered). */
  @IsString() SHIPPED_MODELS_DIR: string = './models';
  @IsIn(['true', 'false']) INSTALL_SHIPPED_MODELS: 'true' | 'false' = 'true';
  /** How often each process reconciles its loaded models with the registry (0 disables). */
  @Type(() => Number) @IsInt() @Min(0) MODEL_SYNC_INTERVAL_MS: number = 5000;
  /** Bounds on loading a model version (reading and parsing its artifact) and on its warm-up run. */
  @Type(() => Number) @IsInt() @Min(100) MODEL_LOAD_TIMEOUT_MS: number = 60_000;
  @Type(() => Number) @IsInt() @Min(100) MODEL_WARMUP_TIMEOUT_MS: number = 30_000;
  @Type(() => Number) @IsInt() @Min(1024) MODEL_UPLOAD_MAX_BYTES: number = 200 * 1024 * 1024;
  @IsIn(['auto', 'tensorflow', 'wasm', 'cpu']) INFERENCE_BACKEND: 'auto' | 'tensorflow' | 'wasm' | 'cpu' = 'auto';
  /** Dynamic batching: coalesce concurrent predicts up to this many rows (1 disables). */
  @Type(() => Number) @IsInt() @Min(1) @Max(65536) INFERENCE_MAX_BATCH: number = 256;
  /**
   * Adaptive batching: the longest a partial batch is held for more requests, and only while requests
   * arrive faster than one per execution (a lone request is never held).
   */
  @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000) INFERENCE_MAX_DELAY_US: number = 2000;
  /** Requests that may wait per model version; an API, V2 or stream call beyond it: 503 INFERENCE_OVERLOADED. */
  @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000) INFERENCE_QUEUE_DEPTH: number = 1024;
  /** Deadline of an API, V2 or stream call that states none (X-Request-Timeout-Ms), in ms; 0: none. */
  @Type(() => Number) @IsInt() @Min(0) @Max(3_600_000) INFERENCE_DEFAULT_TIMEOUT_MS: number = 0;
  /**
   * Mean event-loop delay (ms, per 100 ms sample) above which, three samples in a row, predict and V2
   * infer calls are refused (503 INFERENCE_OVERLOADED) before rate limiting, auth and their bodies; 0 (default):
   * never. Off by default: a TF.js version computes on that thread and would look like saturation.
   */
  @Type(() => Number) @IsInt() @Min(0) @Max(60_000) INFERENCE_SHED_LOOP_DELAY_MS: number = 0;
  /** `auto`: small dense models run on a plain-JS forward pass verified against TF.js at load; `off`: always TF.js. */
  @IsIn(['auto', 'off']) INFERENCE_FAST_PATH: 'auto' | 'off' = 'auto';
  /** ONNX: worker threads per loaded version, one session each; unset: sized for the machine (docs/onnx.md). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(64) INFERENCE_WORKERS?: number;
  /** ONNX: ONNX Runtime intra-op threads per session; unset: sized for the machine. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(256) INFERENCE_THREADS_PER_SESSION?: number;
  /**
   * Residency: the bytes (in MiB, decimals allowed) the resident model versions may hold together,
   * measured at load; versions beyond it are evicted least recently used and loaded again on demand.
   * Unset: no limit, every deployed version stays loaded.
   */
  @IsOptional() @Type(() => Number) @IsNumber() @Min(0.001) INFERENCE_MEMORY_BUDGET_MB?: number;
  /** Residency: the longest a call waits for an evicted version to load again (then 503 MODEL_NOT_RESIDENT). */
  @Type(() => Number) @IsInt() @Min(1) @Max(600_000) INFERENCE_LOAD_WAIT_MS: number = 30_000;
  /** Drift: live input rows kept per version (a ring; 0 turns the monitor off). */
  @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000) DRIFT_WINDOW_ROWS: number = 10_000;
  /** Drift: a feature whose population stability index exceeds this is drifted. */
  @Type(() => Number) @IsNumber() @Min(0.001) @Max(100) DRIFT_PSI_THRESHOLD: number = 0.2;
  /** Drift: rows the window needs before any feature is flagged (PSI of a few rows is noise). */
  @Type(() => Number) @IsInt() @Min(1) DRIFT_MIN_ROWS: number = 500;

  /** Redis for the shared job queue (BullMQ) and shared rate limits; unset = in-process queue. */
  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;
  /** Key prefix in Redis, so several deployments (or test runs) can share one server. */
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/) REDIS_PREFIX: string = 'ai-commerce';
  /** Run the job worker inside the API process (with Redis, set false and run `npm run start:worker`). */
  @IsIn(['true', 'false']) JOBS_RUN_IN_API: 'true' | 'false' = 'true';
  /** The longest a job submission waits for the queue (Redis) before answering 202 anyway. */
  @Type(() => Number) @IsInt() @Min(1) @Max(60_000) JOB_ENQUEUE_TIMEOUT_MS: number = 2000;
  /** Rows per stored chunk (one tensor batch) of an async job. */
  @Type(() => Number) @IsInt() @Min(1) @Max(4096) JOB_CHUNK_ROWS: number = 256;
  /** How often each process looks for queued or running jobs that no queue entry will run (0 disables). */
  @Type(() => Number) @IsInt() @Min(0) JOB_RECONCILE_INTERVAL_MS: number = 30000;

  /**
   * Retention in days of each kind of data (0 = kept forever, today's behaviour). Idempotency keys
   * are also purged per user on use after 24 h; a value here is whole days, so never under 24 h.
   */
  @Type(() => Number) @IsInt() @Min(0) RETENTION_RECORDS_DAYS: number = 0;
  @Type(() => Number) @IsInt() @Min(0) RETENTION_READINGS_DAYS: number = 0;
  /** Finished (succeeded, failed, cancelled) jobs with their chunks and results, by finish time. */
  @Type(() => Number) @IsInt() @Min(0) RETENTION_JOBS_DAYS: number = 0;
  @Type(() => Number) @IsInt() @Min(0) RETENTION_IDEMPOTENCY_DAYS: number = 0;
  /** Artifact files of archived model versions (the registry row stays, marked by its missing artifact). */
  @Type(() => Number) @IsInt() @Min(0) RETENTION_ARCHIVED_MODELS_DAYS: number = 0;
  /** Security events (auth_events), by their time. */
  @Type(() => Number) @IsInt() @Min(0) AUTH_EVENTS_RETENTION_DAYS: number = 0;
  /** How often the scheduled purge runs (one process at a time); 0 = only `npm run purge`. */
  @Type(() => Number) @IsInt() @Min(0) RETENTION_PURGE_INTERVAL_MS: number = 3_600_000;
  /** Rows per DELETE statement, and the pause between statements, so a purge never holds long locks. */
  @Type(() => Number) @IsInt() @Min(1) @Max(10_000) RETENTION_BATCH_SIZE: number = 1000;
  @Type(() => Number) @IsInt() @Min(0) @Max(60_000) RETENTION_BATCH_PAUSE_MS: number = 20;

  /**
   * OpenTelemetry: traces go to this OTLP/HTTP collector (`<endpoint>/v1/traces`, JSON); unset =
   * tracing off and its SDK never loaded. Read before the app loads (libs/platform/src/tracing.ts); checked here too.
   */
  @IsOptional()
  @Matches(/^https?:\/\//, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  /** The traces' service.name (default ai-commerce-api, or ai-commerce-worker for the worker). */
  @IsOptional() @IsString() OTEL_SERVICE_NAME?: string;
}

/** TRUST_PROXY as Fastify's `trustProxy` takes it: off, a hop count, or the trusted addresses. */
export function trustProxyOf(value: string): false | number | string[] {
  if (value.toLowerCase() === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** What decides which modules the app is built from; read once at the composition root. */
export interface AppWiring {
  redisUrl?: string;
  runJobsInApi: boolean;
}

export function wiringOf(env: EnvironmentVariables): AppWiring {
  return { redisUrl: env.REDIS_URL, runJobsInApi: env.JOBS_RUN_IN_API === 'true' };
}

/**
 * Validates the environment once at boot. A bad value stops the boot with a message naming the
 * variable; in production a missing JWT_SECRET does too, elsewhere one is generated (jwt-secret-file.ts).
 */
export function validateEnvironment(
  raw: Record<string, unknown>,
  options: { quiet?: boolean } = {},
): EnvironmentVariables {
  const present = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''));
  const env = plainToInstance(EnvironmentVariables, present, { exposeDefaultValues: true });
  // Not validateAs (libs/common): the environment holds every variable of the machine (no whitelist),
  // and a bad one is a boot-stopping config error naming the variable, not a 400 with details.
  const errors = validateSync(env, { whitelist: false, forbidUnknownValues: false });
  const problems = errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map((text) => `${error.property}: ${text}`),
  );
  try {
    parseDatabaseUrl(env.DATABASE_URL);
  } catch (error) {
    problems.push(`DATABASE_URL: ${(error as Error).message}`);
  }
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET) problems.push('JWT_SECRET: required when NODE_ENV=production');
  if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    problems.push('ADMIN_EMAIL/ADMIN_PASSWORD: set both or neither');
  }
  if (problems.length > 0) throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  if (!env.JWT_SECRET && !options.quiet) {
    const { secret, notice } = generatedJwtSecret(env.DATABASE_URL);
    env.JWT_SECRET = secret;
    new Logger('Config').warn(notice);
  }
  return env;
}
