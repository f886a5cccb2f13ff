import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Where a request came from, as an auth event records it. */
export interface RequestOrigin {
  /** `request.ip`: X-Forwarded-For is honoured only from TRUST_PROXY's proxies (the rate limiter's address). */
  address: string | undefined;
  userAgent: string | undefined;
  requestId: string | undefined;
}

/** The origin of a Fastify request; values are cut to their columns later, by the writer. */
export function originOf(request: FastifyRequest): RequestOrigin {
  const agent = request.headers['user-agent'];
  return { address: request.ip, userAgent: typeof agent === 'string' ? agent : undefined, requestId: request.id };
}

/** The handler's request origin, for services that record auth events. */
export const Origin = createParamDecorator((_data: unknown, context: ExecutionContext): RequestOrigin =>
  originOf(context.switchToHttp().getRequest()),
);
