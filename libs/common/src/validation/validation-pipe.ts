import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import * as classTransformer from 'class-transformer';
import * as classValidator from 'class-validator';
import { ValidationFailedError } from '../errors/domain-error.js';
import { flattenValidationErrors } from './flatten-validation-errors.js';
import { isObjectValue, validateAs, validOrThrow, VALIDATOR_OPTIONS } from './validate-as.js';

/**
 * The app's global pipe. A JSON object for a DTO class (nearly every body and query) goes through
 * validateAs, like every other validated value; a DTO body that is missing or not an object is a 400
 * of its own. The rest stays with Nest's ValidationPipe, built from the same options: primitive
 * params (`'5'` turned into 5 before ParseIntPipe) and a missing query (validated as `{}`).
 */
class GlobalValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata)) {
      // A DTO body is a JSON object (the document marks it required): a missing one is refused here,
      // an array or primitive by validateAs, before any field rule runs.
      if (value === undefined)
        throw new ValidationFailedError([{ field: 'body', message: 'a JSON object body is required' }]);
      return validOrThrow(validateAs(metadata.metatype as new () => object, value));
    }
    if (metadata.metatype && isObjectValue(value) && this.toValidate(metadata))
      return validOrThrow(validateAs(metadata.metatype as new () => object, value));
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new GlobalValidationPipe({
    ...VALIDATOR_OPTIONS,
    // Handed over rather than loaded by name: Nest's lazy `loadPackage` yields a module without
    // `plainToInstance` inside the esbuild bundle, and every non-object body answered 500 there.
    transformerPackage: classTransformer,
    validatorPackage: classValidator,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new ValidationFailedError(flattenValidationErrors(errors)),
  });
}
