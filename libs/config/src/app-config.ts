import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import bytes from 'bytes';
import { parseDatabaseUrl, type ParsedDatabaseUrl } from '@app/database';
import type { EnvironmentVariables } from './env.schema.js';

/**
 * The typed, validated settings. Services read configuration from here, never from process.env.
 */
@Injectable()
export class AppConfig {
  constructor(private readonly config: ConfigService<EnvironmentVariables, true>) {}

  private get<K extends keyof EnvironmentVariables>(key: K): EnvironmentVariables[K] {
    return this.config.get(key, { infer: true });
  }

  get nodeEnv() {
    return this.get('NODE_ENV');
  }
  get isProduction() {
    return this.nodeEnv === 'production';
  }
  get port() {
    return this.get('PORT');
  }
  get host() {
    return this.get('HOST');
  }

  get database() {
    const url = this.get('DATABASE_URL');
    const target: ParsedDatabaseUrl = parseDatabaseUrl(url);
    const migrateOnBoot = this.get('DATABASE_MIGRATE_ON_BOOT');
    return {
      url,
      engine: target.engine,
      replicaUrls: this.get('DATABASE_REPLICA_URLS'),
      poolSize: this.get('DATABASE_POOL_SIZE'),
      queueLimit: this.get('DATABASE_POOL_QUEUE_LIMIT'),
      acquireTimeoutMs: this.get('DATABASE_ACQUIRE_TIMEOUT_MS'),
      queryTimeoutMs: this.get('DATABASE_QUERY_TIMEOUT_MS'),
      migrateOnBoot: migrateOnBoot === undefined ? target.engine === 'sqlite' : migrateOnBoot === 'true',
    };
  }

  get jwt() {
    return { secret: this.get('JWT_SECRET') as string, expiresIn: this.get('JWT_EXPIRES_IN') };
  }

  get bcryptRounds() {
    return this.get('BCRYPT_ROUNDS');
  }

  get stream() {
    return {
      recheckMs: this.get('STREAM_AUTH_RECHECK_MS'),
      maxSocketsPerUser: this.get('STREAM_MAX_SOCKETS_PER_USER'),
    };
  }

  get bootstrapAdmin() {
    const email = this.get('ADMIN_EMAIL');
    const password = this.get('ADMIN_PASSWORD');
    if (!email || !password) return undefined;
    return { email, password, username: this.get('ADMIN_USERNAME') ?? 'admin' };
  }

  get http() {
    return {
      corsOrigins: this.get('CORS_ORIGINS'),
      corsMaxAgeS: this.get('CORS_MAX_AGE_S'),
      bodyLimit: this.get('BODY_LIMIT'),
      inferenceBodyLimit: this.get('INFERENCE_BODY_LIMIT'),
      jsonMaxDepth: this.get('JSON_MAX_DEPTH'),
      largeBodyThresholdBytes: bytes.parse(this.get('LARGE_BODY_THRESHOLD'))!,
      largeBodyBudgetBytes: bytes.parse(this.get('LARGE_BODY_BUDGET'))!,
    };
  }

  get logLevel() {
    return this.get('LOG_LEVEL');
  }
  get shutdownTimeoutMs() {
    return this.get('SHUTDOWN_TIMEOUT_MS');
  }

  get models() {
    return {
      dir: this.get('MODELS_DIR'),
      shippedDir: this.get('SHIPPED_MODELS_DIR'),
      installShipped: this.get('INSTALL_SHIPPED_MODELS') === 'true',
      syncIntervalMs: this.get('MODEL_SYNC_INTERVAL_MS'),
      uploadMaxBytes: this.get('MODEL_UPLOAD_MAX_BYTES'),
      loadTimeoutMs: this.get('MODEL_LOAD_TIMEOUT_MS'),
      warmupTimeoutMs: this.get('MODEL_WARMUP_TIMEOUT_MS'),
    };
  }

  get inference() {
    return {
      backend: this.get('INFERENCE_BACKEND'),
      maxBatch: this.get('INFERENCE_MAX_BATCH'),
      maxDelayUs: this.get('INFERENCE_MAX_DELAY_US'),
      queueDepth: this.get('INFERENCE_QUEUE_DEPTH'),
      defaultTimeoutMs: this.get('INFERENCE_DEFAULT_TIMEOUT_MS'),
      shedLoopDelayMs: this.get('INFERENCE_SHED_LOOP_DELAY_MS'),
      fastPath: this.get('INFERENCE_FAST_PATH'),
      onnx: { workers: this.get('INFERENCE_WORKERS'), threadsPerSession: this.get('INFERENCE_THREADS_PER_SESSION') },
      memoryBudgetMb: this.get('INFERENCE_MEMORY_BUDGET_MB'),
      loadWaitMs: this.get('INFERENCE_LOAD_WAIT_MS'),
    };
  }

  get drift() {
    return {
      windowRows: this.get('DRIFT_WINDOW_ROWS'),
      psiThreshold: this.get('DRIFT_PSI_THRESHOLD'),
      minRows: this.get('DRIFT_MIN_ROWS'),
    };
  }

  get redis() {
    const url = this.get('REDIS_URL');
    if (!url) return undefined;
    const parsed = new URL(url);
    return {
      url,
      prefix: this.get('REDIS_PREFIX'),
      connection: {
        host: parsed.hostname,
        port: Number(parsed.port || 6379),
        username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
        password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
        db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
        tls: parsed.protocol === 'rediss:' ? {} : undefined,
      },
    };
  }

  get jobs() {
    return {
      chunkRows: this.get('JOB_CHUNK_ROWS'),
      runInApi: this.get('JOBS_RUN_IN_API') === 'true',
      enqueueTimeoutMs: this.get('JOB_ENQUEUE_TIMEOUT_MS'),
      reconcileIntervalMs: this.get('JOB_RECONCILE_INTERVAL_MS'),
    };
  }

  get retention() {
    return {
      days: {
        records: this.get('RETENTION_RECORDS_DAYS'),
        readings: this.get('RETENTION_READINGS_DAYS'),
        jobs: this.get('RETENTION_JOBS_DAYS'),
        idempotencyKeys: this.get('RETENTION_IDEMPOTENCY_DAYS'),
        archivedModels: this.get('RETENTION_ARCHIVED_MODELS_DAYS'),
        authEvents: this.get('AUTH_EVENTS_RETENTION_DAYS'),
      },
      intervalMs: this.get('RETENTION_PURGE_INTERVAL_MS'),
      batchSize: this.get('RETENTION_BATCH_SIZE'),
      pauseMs: this.get('RETENTION_BATCH_PAUSE_MS'),
    };
  }

  get authEvents() {
    return {
      suspiciousFailures: this.get('AUTH_SUSPICIOUS_FAILURES'),
      loginWindowMs: this.get('RATE_LIMIT_TTL_MS'),
      repeatWindowMs: this.get('AUTH_EVENTS_REPEAT_WINDOW_MS'),
    };
  }

  get rateLimit() {
    return {
      ttlMs: this.get('RATE_LIMIT_TTL_MS'),
      max: this.get('RATE_LIMIT_MAX'),
      userMax: this.get('RATE_LIMIT_USER_MAX'),
      loginMax: this.get('LOGIN_RATE_LIMIT_MAX'),
      storeTimeoutMs: this.get('RATE_LIMIT_STORE_TIMEOUT_MS'),
    };
  }
}
