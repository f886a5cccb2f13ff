import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOAuth2, ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { ErrorBodyDto } from '@app/common';
import { API_KEY_SCHEME, BEARER_SCHEME, OAUTH2_SCHEME } from './swagger.js';

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

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', example: 1 } },
};

/** The residency refusals (docs/serving.md, "Memory budget"), named in the 503s of routes that run a model. */
const NOT_RESIDENT =
  'the model version cannot be made resident under the memory budget now ' +
  '(MODEL_OVER_MEMORY_BUDGET, MODEL_NOT_RESIDENT)';

/**
 * The 503 of a large body refused for lack of payload budget (configure-app, LARGE_BODY_BUDGET);
 * `inference`: the route also runs a model, which may answer its own 503 with Retry-After.
 */
export function ApiPayloadBudget(options: { inference?: boolean } = {}): MethodDecorator {
  return ApiResponse({
    status: 503,
    description:
      'Too many large bodies in flight (LARGE_BODY_BUDGET)' +
      (options.inference ? `, or ${NOT_RESIDENT}` : '') +
      '; retry after the Retry-After seconds',
    type: ErrorBodyDto,
    headers: RETRY_AFTER,
  });
}

/** The deadline header of an inference route (docs/serving.md, "Deadlines and load shedding"). */
export const REQUEST_TIMEOUT_HEADER = 'X-Request-Timeout-Ms';

/** The X-Request-Timeout-Ms header and the statuses of load shedding (ApiLoadShedding) on an API route. */
export function ApiInferenceAdmission(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: REQUEST_TIMEOUT_HEADER,
      required: false,
      description:
        'Milliseconds (1 to 3600000) within which the prediction must start; default INFERENCE_DEFAULT_TIMEOUT_MS',
      schema: { type: 'integer', minimum: 1, maximum: 3_600_000 },
    }),
    ApiLoadShedding(),
  );
}

/**
 * The statuses of an inference route with a deadline: the 503 of a request refused before it ran
 * (INFERENCE_OVERLOADED, a residency refusal, or SERVER_BUSY for a large body) and the 504 of one dropped when its
 * deadline passed while it waited. `type` is the route's error body.
 */
export function ApiLoadShedding(type: new () => object = ErrorBodyDto): MethodDecorator {
  return applyDecorators(
    ApiResponse({
      status: 503,
      description:
        'Refused before it ran: the model cannot start it within its deadline or its queue is full ' +
        `(INFERENCE_OVERLOADED), ${NOT_RESIDENT}, or too many large bodies are in flight (SERVER_BUSY); ` +
        'retry after Retry-After',
      type,
      headers: RETRY_AFTER,
    }),
    ApiResponse({
      status: 504,
      description:
        'Its deadline passed while it waited for the model; dropped before it ran (INFERENCE_DEADLINE_EXCEEDED)',
      type,
    }),
  );
}
