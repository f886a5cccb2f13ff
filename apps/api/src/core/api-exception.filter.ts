import { STATUS_CODES } from 'node:http';
import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, type DomainErrorCode, type FieldError } from '@app/common';
import { classifyDbError } from '@app/database';

interface Mapped {
  status: number;
  message: string;
  details?: FieldError[];
  extra?: Record<string, unknown>;
}

const STATUS_BY_CODE: Record<DomainErrorCode, number> = {
  BAD_REQUEST: HttpStatus.BAD_REQUEST,
  VALIDATION: HttpStatus.BAD_REQUEST,
  UNAUTHORIZED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  TOO_MANY_REQUESTS: HttpStatus.TOO_MANY_REQUESTS,
  UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
};

const DB_ERRORS = {
  unique: { status: HttpStatus.CONFLICT, message: 'A record with the same unique value already exists' },
  'foreign-key': { status: HttpStatus.NOT_FOUND, message: 'A referenced record does not exist' },
  check: { status: HttpStatus.BAD_REQUEST, message: 'A value breaks a database constraint' },
  unavailable: { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'The database is unavailable' },
} as const;

/**
 * The HTTP edge: every error leaves in the contract's one shape. Domain codes and database
 * failures map to their status; anything else is logged with the request id and answered with a
 * generic 500, so no stack trace, SQL text or hash ever reaches a client.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const mapped = this.map(exception);
    if (mapped.status === 500) {
      this.logger.error(`${request.method} ${request.path} failed [${request.id}]`, exception instanceof Error ? exception.stack : String(exception));
    } else if (mapped.status === 503 && !(exception instanceof DomainError)) {
      this.logger.warn(`${request.method} ${request.path} answered 503 [${request.id}]: ${exception instanceof Error ? exception.message : String(exception)}`);
    }
    if (response.headersSent) return;
    response.status(mapped.status).json({
      ...mapped.extra,
      statusCode: mapped.status,
      error: STATUS_CODES[mapped.status] ?? 'Error',
      message: mapped.message,
      ...(mapped.details ? { details: mapped.details } : {}),
      path: request.originalUrl.split('?')[0],
      timestamp: new Date().toISOString(),
      requestId: request.id ?? '',
    });
  }

  private map(exception: unknown): Mapped {
    if (exception instanceof DomainError) {
      return { status: STATUS_BY_CODE[exception.code], message: exception.message, details: exception.details, extra: exception.extra };
    }
    if (exception instanceof HttpException) return this.fromHttpException(exception);
    const bodyParserError = this.fromBodyParser(exception);
    if (bodyParserError) return bodyParserError;
    const dbKind = classifyDbError(exception);
    if (dbKind) return { ...DB_ERRORS[dbKind] };
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
  }

  private fromHttpException(exception: HttpException): Mapped {
    const status = exception.getStatus();
    const body = exception.getResponse();
    if (typeof body === 'string') return { status, message: body };
    const message = (body as { message?: unknown }).message;
    const text = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
    return { status, message: status >= 500 ? 'Internal server error' : text };
  }

  /** body-parser and multer report their own failures with a status and a type or code. */
  private fromBodyParser(exception: unknown): Mapped | undefined {
    if (typeof exception !== 'object' || exception === null) return undefined;
    const { type, status, code } = exception as { type?: string; status?: number; code?: string };
    if (type === 'entity.parse.failed') return { status: 400, message: 'Malformed JSON body' };
    if (type === 'entity.too.large' || code === 'LIMIT_FILE_SIZE') return { status: 413, message: 'Request body is larger than the limit' };
    if (type && typeof status === 'number' && status >= 400 && status < 500) return { status, message: 'The request body could not be read' };
    return undefined;
  }
}
