import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, RetryLaterError, type ErrorCode } from '@app/common';
import { classifyDbError } from '@app/database';
import { isV2Route, V2ExceptionFilter } from '../oip/v2-exception.filter.js';
import { apiErrorBody, type ErrorAnswer as Mapped } from './error-body.js';

const DB_ERRORS: Record<string, Mapped> = {
  unique: {
    status: HttpStatus.CONFLICT,
    code: 'UNIQUE_VIOLATION',
    message: 'A record with the same unique value already exists',
  },
  'foreign-key': {
    status: HttpStatus.NOT_FOUND,
    code: 'REFERENCE_NOT_FOUND',
    message: 'A referenced record does not exist',
  },
  check: {
    status: HttpStatus.BAD_REQUEST,
    code: 'CONSTRAINT_VIOLATION',
    message: 'A value breaks a database constraint',
  },
  unavailable: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    code: 'DATABASE_UNAVAILABLE',
    message: 'The database is unavailable',
  },
};

/**
 * The code of an HTTP-level error that carries none of its own (Nest's unknown-route 404, a pipe's
 * 400, a Fastify 4xx): BAD_REQUEST for any 4xx without a code of its own.
 */
const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  404: 'ROUTE_NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};
const codeOfStatus = (status: number): ErrorCode =>
  status >= 500 ? 'INTERNAL_ERROR' : (CODE_BY_STATUS[status] ?? 'BAD_REQUEST');

/**
 * The HTTP edge: every error leaves in the contract's one shape. Domain codes and database
 * failures map to their status; anything else is logged with the request id and answered with a
 * generic 500, so no stack trace, SQL text or hash ever reaches a client.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');
  private readonly v2 = new V2ExceptionFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    // Body failures on a V2 route reach this app-wide filter, not
    // the controller's: answer them in the protocol's body too.
    if (isV2Route(request.routeOptions?.url)) return this.v2.catch(exception, host);
    const path = request.url.split('?')[0];
    const mapped = this.map(exception);
    if (mapped.status === 500) {
      this.logger.error(
        `${request.method} ${path} failed [${request.id}]`,
        exception instanceof Error ? exception.stack : String(exception),
      );
    } else if (mapped.status === 503 && !(exception instanceof DomainError)) {
      this.logger.warn(
        `${request.method} ${path} answered 503 [${request.id}]: ` +
          `${exception instanceof Error ? exception.message : String(exception)}`,
      );
    }
    if (reply.sent) return;
    if (exception instanceof RetryLaterError) void reply.header('Retry-After', String(exception.retryAfterS));
    void reply.status(mapped.status).send(apiErrorBody(request, mapped));
  }

  private map(exception: unknown): Mapped {
    if (exception instanceof DomainError) {
      return {
        status: exception.status,
        code: exception.code,
        message: exception.message,
        details: exception.details,
        extra: exception.extra,
      };
    }
    // Nest's Fastify adapter wraps Fastify's own 4xx errors in an HttpException: read the cause.
    const bodyParserError = this.fromBodyParser(
      exception instanceof HttpException && exception.cause ? exception.cause : exception,
    );
    if (bodyParserError) return bodyParserError;
    if (exception instanceof HttpException) return this.fromHttpException(exception);
    const dbKind = classifyDbError(exception);
    if (dbKind) return { ...DB_ERRORS[dbKind] };
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL_ERROR', message: 'Internal server error' };
  }

  private fromHttpException(exception: HttpException): Mapped {
    const status = exception.getStatus();
    const body = exception.getResponse();
    if (typeof body === 'string') return { status, code: codeOfStatus(status), message: body };
    const message = (body as { message?: unknown }).message;
    const text = Array.isArray(message)
      ? message.join('; ')
      : typeof message === 'string'
        ? message
        : exception.message;
    return { status, code: codeOfStatus(status), message: status >= 500 ? 'Internal server error' : text };
  }

  /**
   * Fastify reports body failures (malformed or empty JSON, a body over the limit, an unsupported
   * media type) as errors with an FST_ code or a 4xx statusCode before any route code runs.
   */
  private fromBodyParser(exception: unknown): Mapped | undefined {
    if (typeof exception !== 'object' || exception === null) return undefined;
    const { statusCode, code } = exception as { statusCode?: number; code?: string };
    if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request body is larger than the limit' };
    if (
      exception instanceof SyntaxError ||
      code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
    ) {
      return { status: 400, code: 'MALFORMED_JSON', message: 'Malformed JSON body' };
    }
    if (code?.startsWith('FST_'))
      return { status: statusCode, code: codeOfStatus(statusCode), message: (exception as Error).message };
    return { status: statusCode, code: codeOfStatus(statusCode), message: 'The request body could not be read' };
  }
}
