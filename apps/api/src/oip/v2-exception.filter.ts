import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, RetryLaterError } from '@app/common';

/**
 * The V2 routes answer errors in the protocol's body, `{ "error": "..." }`, not the API's shape:
 * standard clients (Triton's, KServe's) read that field. Scoped to the V2 controller, so it runs
 * before the app-wide filter for these routes only. Statuses follow the API's rules; an
 * unexpected failure is a 500 with a generic message and the request id (the stack goes to the
 * log only).
 */
/** A route of the V2 controller (its registered URL, so an unknown path under /v2 is not one). */
export const isV2Route = (routeUrl: string | undefined) => routeUrl === '/v2' || routeUrl?.startsWith('/v2/') === true;

@Catch()
export class V2ExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('V2ExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, error } = this.map(exception);
    // A designed refusal (a DomainError: overloaded, past its deadline, not resident) is counted in
    // metrics and folded in the access log; only unexpected failures are logged with their stack.
    if (status === 500 || (status > 500 && !(exception instanceof DomainError)))
      this.logger.error(
        `${request.method} ${request.url.split('?')[0]} failed [${request.id}]`,
        exception instanceof Error ? exception.stack : String(exception),
      );
    if (reply.sent) return;
    if (exception instanceof RetryLaterError) void reply.header('Retry-After', String(exception.retryAfterS));
    void reply.status(status).send({ error: status === 500 ? `Internal server error (request ${request.id})` : error });
  }

  private map(exception: unknown): { status: number; error: string } {
    if (exception instanceof DomainError) {
      const details = exception.details?.map((detail) => `${detail.field}: ${detail.message}`).join('; ');
      return {
        status: exception.status,
        error: details && details !== exception.message ? `${exception.message}: ${details}` : exception.message,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { status, error: status >= 500 ? 'Internal server error' : exception.message };
    }
    return bodyFailure(exception) ?? { status: 500, error: 'Internal server error' };
  }
}

/** Fastify's body failures (malformed JSON, over the limit) arrive as errors with a 4xx statusCode. */
function bodyFailure(exception: unknown): { status: number; error: string } | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { statusCode, code } = exception as { statusCode?: number; code?: string };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, error: 'Request body is larger than the limit' };
  if (exception instanceof SyntaxError) return { status: 400, error: 'Malformed JSON body' };
  return {
    status: statusCode,
    error: code?.startsWith('FST_') ? (exception as Error).message : 'The request body could not be read',
  };
}
