import { Injectable, type PipeTransform } from '@nestjs/common';
import { ValidationFailedError, type FieldError } from '@app/common';
/**
 * The body as the routes receive it. An interface, not the DTO class, so the global
 * ValidationPipe (which would deep-copy `inputs`) leaves it to this pipe.
 */
export interface PredictBody {
  inputs: unknown;
  version?: string;
}

const VERSION = /^[A-Za-z0-9._-]{1,64}$/;
const ALLOWED = new Set(['inputs', 'version']);

/**
 * Checks a predict/job body's envelope (`inputs` present, `version` well-formed, nothing else)
 * without class-transformer: the global pipe would deep-copy `inputs` (up to 100 000 rows, or an
 * image) before the rows are validated against the model anyway. Same error shape, same rules as
 * PredictRequestDto, which still documents the body in Swagger.
 */
@Injectable()
export class PredictBodyPipe implements PipeTransform<unknown, PredictBody> {
  transform(body: unknown): PredictBody {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ValidationFailedError([{ field: 'body', message: 'body must be a JSON object { inputs, version? }' }]);
    }
    const details: FieldError[] = [];
    for (const key of Object.keys(body)) if (!ALLOWED.has(key)) details.push({ field: key, message: `property ${key} should not exist` });
    const { inputs, version } = body as { inputs?: unknown; version?: unknown };
    if (inputs === undefined || inputs === null) details.push({ field: 'inputs', message: 'inputs should not be null or undefined' });
    if (version !== undefined && (typeof version !== 'string' || !VERSION.test(version))) details.push({ field: 'version', message: 'version must be 1-64 letters, digits, dots, dashes or underscores' });
    if (details.length) throw new ValidationFailedError(details);
    return { inputs, ...(version === undefined ? {} : { version: version as string }) };
  }
}
