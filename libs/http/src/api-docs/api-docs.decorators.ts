import { applyDecorators, HttpStatus } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiOAuth2,
  ApiResponse,
  ApiSecurity,
  type MediaTypeObject,
} from '@nestjs/swagger';
import { ErrorBodyDto } from '@app/common';
import { API_KEY_SCHEME, BEARER_SCHEME, OAUTH2_SCHEME, REQUEST_CONTENT_EXTENSION } from './swagger.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (validation details per field)',
  401: 'Missing or invalid token',
  403: 'The caller may not do this',
  404: 'Not found',
  409: 'Conflict with existing state',
  413: 'Body larger than the limit',
  429: 'Rate limited',
  503: 'A dependency is unavailable',
};

/** Documents error responses in the contract's one error shape. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status] ?? STATUS_TEXT(status), type: ErrorBodyDto }),
    ),
  );
}

function STATUS_TEXT(status: number): string {
  return HttpStatus[status] ?? 'Error';
}

/** A protected operation: every security scheme, so Swagger UI sends the token (or API key) either way. */
export function ApiAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(BEARER_SCHEME),
    ApiOAuth2([], OAUTH2_SCHEME),
    ApiSecurity(API_KEY_SCHEME),
    ApiErrors(401),
  );
}

/** A public operation that honours a token when sent: both schemes, or none (`{}`). */
export function ApiOptionalAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(BEARER_SCHEME),
    ApiOAuth2([], OAUTH2_SCHEME),
    ApiSecurity(API_KEY_SCHEME),
    ApiSecurity({}),
  );
}

/** The 503 of a large body refused for lack of payload budget (configure-app, LARGE_BODY_BUDGET). */
export function ApiPayloadBudget(): MethodDecorator {
  return ApiResponse({
    status: 503,
    description: 'Too many large bodies in flight (LARGE_BODY_BUDGET); retry after the Retry-After seconds',
    type: ErrorBodyDto,
    headers: {
      'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', example: 1 } },
    },
  });
}

/**
 * Request media types whose body differs from the JSON one (a binary framing, say): @nestjs/swagger
 * gives every consumed type the same schema, so these are merged into the request body's content
 * when the document is built.
 */
export function ApiRequestContent(content: Record<string, MediaTypeObject>): MethodDecorator {
  return ApiExtension(REQUEST_CONTENT_EXTENSION, content);
}
