import { Injectable, type PipeTransform, type Type } from '@nestjs/common';
import { BadRequestError, ValidationFailedError, type FieldError } from '../errors/domain-error.js';
import { validateAs } from './validate-as.js';

/**
 * Validates a body that is a JSON array of DTOs, with the same rules as the global pipe and
 * details addressed by index (`0.email`). All rows must pass.
 */
@Injectable()
export class ArrayBodyPipe<T extends object> implements PipeTransform<unknown, T[]> {
  constructor(
    private readonly itemType: Type<T>,
    private readonly limits: { min?: number; max: number },
  ) {}

  transform(body: unknown): T[] {
    if (!Array.isArray(body))
      throw new ValidationFailedError([{ field: 'body', message: 'body must be a JSON array' }]);
    const min = this.limits.min ?? 1;
    if (body.length < min || body.length > this.limits.max) {
      throw new BadRequestError(
        'BATCH_SIZE_OUT_OF_RANGE',
        `body must hold between ${min} and ${this.limits.max} items`,
      );
    }
    const items: T[] = [];
    const details: FieldError[] = [];
    for (const [index, plain] of body.entries()) {
      const checked = validateAs(this.itemType, plain, String(index));
      if (checked.ok) items.push(checked.value);
      else details.push(...checked.details);
    }
    if (details.length > 0) throw new ValidationFailedError(details);
    return items;
  }
}
