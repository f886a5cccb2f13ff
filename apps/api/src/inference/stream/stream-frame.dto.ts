import { IsDefined, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { MAX_TIMEOUT_MS } from '../request-timeout.js';
import { VERSION_SELECTOR } from '../dto/predict.dto.js';

/** One request frame of the stream; `inputs` is checked against the model like a predict body. */
export class StreamFrameDto {
  @IsOptional()
  @ValidateIf((_, value) => typeof value !== 'number')
  @IsString({ message: 'id must be a string or a number' })
  id?: string | number;

  @IsString() @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'model must be a model name' }) model: string;

  @IsOptional() @IsString() @Matches(VERSION_SELECTOR) version?: string;

  @IsDefined() inputs: unknown;

  /** Milliseconds within which the prediction must start (as X-Request-Timeout-Ms on the API). */
  @IsOptional() @IsInt() @Min(1) @Max(MAX_TIMEOUT_MS) timeoutMs?: number;
}
