import type { LoggerService } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';
import { tracingEnabled } from './tracing.js';

/** Header, body and query fields that must never reach a log line. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.access_token',
  '*.token',
  '*.client_secret',
];

/** The active span's ids, so a log line can be found from its trace (and back). */
function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan()?.spanContext();
  return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
}

/** Log bytes that may wait for stdout; past it, lines are dropped instead of blocking the process. */
const LOG_BUFFER_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Standard output written asynchronously: pino's default writes each line synchronously and, when
 * the reader of a pipe falls behind (EAGAIN), sleeps the whole event loop 100 ms before it retries,
 * so a flood of log lines under overload would stall every request and /health with it. Lines wait
 * in a bounded buffer instead, and pino flushes it synchronously when the process exits.
 */
const asyncStdout = () => pino.destination({ dest: 1, sync: false, maxLength: LOG_BUFFER_MAX_BYTES });

/** Structured JSON logs (pino). The level comes from LOG_LEVEL; with tracing on, lines carry trace_id and span_id. */
export function createRootLogger(level: string, destination: DestinationStream = asyncStdout()): Logger {
  const options = {
    level,
    redact: { paths: REDACT, censor: '[REDACTED]' },
    base: { service: 'api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(tracingEnabled() ? { mixin: traceFields } : {}),
  };
  return pino(options, destination);
}

export interface CompletedRequest {
  id: string;
  method: string;
  url: string;
  statusCode: number;
  responseTimeMs: number;
}

/** One line per answered request, with latency and the request id; tokens in query strings are masked. */
export function logCompletedRequest(logger: Logger, request: CompletedRequest): void {
  const level = request.statusCode >= 500 ? 'error' : request.statusCode >= 400 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    {
      req: { id: request.id, method: request.method, url: maskQueryTokens(request.url) },
      res: { statusCode: request.statusCode },
      responseTime: Math.round(request.responseTimeMs * 10) / 10,
    },
    'request completed',
  );
}

export function maskQueryTokens(url: string): string {
  return url.replace(/([?&](?:token|access_token)=)[^&]*/gi, '$1[REDACTED]');
}

/** Nest's own log calls (bootstrap, lifecycle, errors) go to the same JSON stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string) {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string) {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string) {
    this.write('fatal', message, context);
  }

  private write(level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, context?: string) {
    if (typeof message === 'object' && message !== null) this.logger[level]({ context, ...message });
    else this.logger[level]({ context }, String(message));
  }
}
