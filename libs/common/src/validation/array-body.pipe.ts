import { Injectable, type PipeTransform, type Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { BadRequestError, ValidationFailedError } from '../errors/domain-error.js';
import { flattenValidationErrors } from './flatten-validation-errors.js';

/**
 * Validates a body that is a JSON array of DTOs, with the same rules as the global pipe and
 * details addressed by index (`0.email`). All rows must pass.
 */
@Injectable()
export class ArrayBodyPipe<T extends object> implements PipeTransform<unknown, Promise<T[]>> {
  constructor(
    private readonly itemType: Type<T>,
    private readonly limits: { min?: number; max: number },
  ) {}

  async transform(body: unknown): Promise<T[]> {
    if (!Array.isArray(body)) throw new ValidationFailedError([{ field: 'body', message: 'body must be a JSON array' }]);
    const min = this.limits.min ?? 1;
    if (body.length < min || body.length > this.limits.max) {
      throw new BadRequestError('BATCH_SIZE_OUT_OF_RANGE', `body must hold between ${min} and ${this.limits.max} items`);
    }
    const items = body.map((item) => plainToInstance(this.itemType, item));
    const details = [];
    for (const [index, item] of items.entries()) {
      if (typeof body[index] !== 'object' || body[index] === null || Array.isArray(body[index])) {
        details.push({ field: String(index), message: 'each item must be an object' });
        continue;
      }
      const errors = await validate(item, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
      details.push(...flattenValidationErrors(errors, String(index)));
    }
    if (details.length > 0) throw new ValidationFailedError(details);
    return items;
  }
}
