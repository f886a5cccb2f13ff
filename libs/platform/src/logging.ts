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

/** Structured JSON logs (pino). The level comes from LOG_LEVEL; with tracing on, lines carry trace_id and span_id. */
export function createRootLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT, censor: '[REDACTED]' },
    base: { service: 'api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(tracingEnabled() ? { mixin: traceFields } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
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
