import { applyDecorators, UseInterceptors, type CallHandler, type ExecutionContext } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';

/** The Location of each create, by operation id (the document's `Controller_method`), for the document. */
const locations = new Map<string, { status: number; template: string }>();

/** The template's `:field`s filled from the answer's own fields (`/api/v1/products/:id` and `{ id: 7 }`). */
export function locationOf(template: string, body: unknown): string | undefined {
  let complete = true;
  const filled = template.replace(/:(\w+)/g, (_, field: string) => {
    const value = (body as Record<string, unknown> | null)?.[field];
    if (typeof value !== 'string' && typeof value !== 'number') complete = false;
    return encodeURIComponent(String(value));
  });
  return complete ? filled : undefined;
}

/**
 * A create that answers with `Location`: the path of what it made, `:field`s taken from the answer
 * (`@CreatedAt('/api/v1/products/:id')`), or a fixed path for a bulk create (the collection). Sets
 * the header on the answer and documents it on that status (201, or 202 for a job).
 */
export function CreatedAt(template: string, status = 201): MethodDecorator {
  const setLocation = {
    intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
      return next.handle().pipe(
        map((body: unknown) => {
          // Only on the create's own status: a replayed order (200) or an empty bulk import (200) made nothing.
          const reply = context.switchToHttp().getResponse<FastifyReply>();
          const location = reply.statusCode === status ? locationOf(template, body) : undefined;
          if (location) void reply.header('Location', location);
          return body;
        }),
      );
    },
  };
  const record: MethodDecorator = (target, key) => {
    locations.set(`${target.constructor.name.replace(/Controller$/, '')}_${String(key)}`, { status, template });
  };
  return applyDecorators(UseInterceptors(setLocation), record);
}

const EXAMPLE_FIELDS = {
  id: 1,
  jobId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  name: 'sensor-anomaly',
  version: '1.0.0',
};

type DocumentedOperation = { operationId?: string; responses?: Record<string, { headers?: object }> };

/** Adds the `Location` header to the documented answer of every operation marked with CreatedAt. */
export function documentLocations(document: OpenAPIObject): void {
  for (const methods of Object.values(document.paths))
    for (const operation of Object.values(methods as Record<string, DocumentedOperation>)) {
      const located = locations.get(operation.operationId ?? '');
      const answer = located && operation.responses?.[String(located.status)];
      if (!located || !answer) continue;
      answer.headers = {
        ...answer.headers,
        Location: {
          description: `Where the created resource is: ${located.template.replace(/:(\w+)/g, '{$1}')}`,
          required: true,
          schema: { type: 'string', example: locationOf(located.template, EXAMPLE_FIELDS) },
        },
      };
    }
}
