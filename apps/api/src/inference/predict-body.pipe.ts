import { Injectable, type PipeTransform } from '@nestjs/common';
import { isObjectValue, validateAs, validOrThrow, ValidationFailedError } from '@app/common';
import { PredictRequestDto } from './dto/predict.dto.js';

/**
 * The body as the routes receive it. An interface, not the DTO class, so the global
 * ValidationPipe (which would deep-copy `inputs`) leaves it to this pipe.
 */
export interface PredictBody {
  inputs: unknown;
  version?: string;
}

/**
 * Checks a predict/job body against PredictRequestDto's rules (validateAs: `inputs` present,
 * `version` well-formed, nothing else), with one difference from the global pipe: `inputs` is not
 * handed to class-transformer, which would deep-copy it (up to 100 000 rows, or an image) before
 * the rows are checked against the model anyway. A stand-in takes its place for the DTO's rules
 * (present or not is all they ask of it), and the body's own `inputs` is returned untouched.
 */
let bareBody: boolean | undefined;
const bareBodyIsValid = () => (bareBody ??= validateAs(PredictRequestDto, { inputs: true }).ok);

@Injectable()
export class PredictBodyPipe implements PipeTransform<unknown, PredictBody> {
  transform(body: unknown): PredictBody {
    if (!isObjectValue(body))
      throw new ValidationFailedError([{ field: 'body', message: 'body must be a JSON object { inputs, version? }' }]);
    const { inputs, ...envelope } = body;
    const standIn = inputs === undefined || inputs === null ? inputs : true;
    // The usual body, `{ inputs }` alone, is the DTO checked on a constant: its verdict, once.
    if (standIn === true && Object.keys(envelope).length === 0 && bareBodyIsValid()) return { inputs };
    const { version } = validOrThrow(validateAs(PredictRequestDto, { ...envelope, inputs: standIn }));
    return { inputs, ...(version === undefined ? {} : { version }) };
  }
}
