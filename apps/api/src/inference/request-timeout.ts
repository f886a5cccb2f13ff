import type { FastifyReply } from 'fastify';
import { ValidationFailedError } from '@app/common';
import { REQUEST_TIMEOUT_HEADER } from '@app/http/api-docs/api-docs.decorators.js';

/** The longest deadline a caller may state: an hour. */
export const MAX_TIMEOUT_MS = 3_600_000;

/**
 * The X-Request-Timeout-Ms header as milliseconds (undefined when absent): a whole number from 1 to
 * an hour, else a 400 naming the header (a deadline that cannot be read must not silently become none).
 */
export function requestTimeoutMs(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? header.join(',') : header;
  const value = /^\d{1,7}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(value >= 1 && value <= MAX_TIMEOUT_MS))
    throw new ValidationFailedError([
      { field: REQUEST_TIMEOUT_HEADER, message: `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}` },
    ]);
  return value;
}

/** performance.now() when Fastify received the request (deadlines count from there, not from the controller). */
export const receivedAt = (reply: FastifyReply): number => performance.now() - reply.elapsedTime;
