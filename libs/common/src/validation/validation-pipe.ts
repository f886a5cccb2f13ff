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
  private readonly validParams = new ValidParamsMemo();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param' && metadata.metatype && isObjectValue(value) && this.toValidate(metadata))
      return this.validParams.validate(metadata.metatype as new () => object, value);
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

/** Distinct valid route-parameter sets remembered per DTO; past it the memo starts over. */
const MEMO_LIMIT = 512;

/**
 * Route-parameter DTOs (`{ name }`, `{ name, version }`) checked once per distinct value: their rules
 * are synchronous and pure (validateAs has no async rule), so a set of strings valid once is valid
 * every time, and the hot routes (predict, V2 infer) call with a handful of model names. Each call
 * gets its own instance (a copy of the validated one); invalid values are checked every time, so
 * each refusal keeps its details.
 */
class ValidParamsMemo {
  private readonly valid = new Map<new () => object, Map<string, object>>();

  validate(type: new () => object, value: Record<string, unknown>): object {
    const key = JSON.stringify(value);
    const known = this.valid.get(type)?.get(key);
    if (known) return Object.assign(Object.create(type.prototype) as object, known);
    const instance = validOrThrow(validateAs(type, value));
    let memo = this.valid.get(type);
    if (!memo || memo.size >= MEMO_LIMIT) this.valid.set(type, (memo = new Map()));
    memo.set(key, { ...instance });
    return instance;
  }
}
