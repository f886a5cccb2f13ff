import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode, FieldError } from '@app/common';
import { isV2Route } from '../oip/v2-exception.filter.js';

/** An error as the API answers it: its status, the catalogue's code, and what the caller is told. */
export interface ErrorAnswer {
  status: number;
  /** The stable machine code clients match on (the contract's `code`), from the catalogue. */
  code: ErrorCode;
  message: string;
  details?: FieldError[];
  extra?: Record<string, unknown>;
}

/** The contract's one error shape, for `request`. */
export function apiErrorBody(request: FastifyRequest, answer: ErrorAnswer): Record<string, unknown> {
  return {
    ...answer.extra,
    statusCode: answer.status,
    error: STATUS_CODES[answer.status] ?? 'Error',
    code: answer.code,
    message: answer.message,
    ...(answer.details ? { details: answer.details } : {}),
    path: request.url.split('?')[0],
    timestamp: new Date().toISOString(),
    requestId: request.id ?? '',
  };
}

/**
 * Answers a request from a Fastify hook, before any handler, exactly as the exception filters would
 * answer the same error (the contract's shape, or V2's `{ error }` on a V2 route; Retry-After when
 * given), without an Error object or the error path: a hook that refuses most calls under overload
 * spends its thread on them. The caller must not call the hook's `done` afterwards.
 */
export function answerFromHook(
  request: FastifyRequest,
  reply: FastifyReply,
  answer: ErrorAnswer & { retryAfterS?: number },
): void {
  if (answer.retryAfterS !== undefined) void reply.header('Retry-After', String(answer.retryAfterS));
  const v2 = isV2Route(request.routeOptions.url);
  void reply.status(answer.status).send(v2 ? { error: answer.message } : apiErrorBody(request, answer));
}
