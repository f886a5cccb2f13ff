import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { Matches, NotEquals } from 'class-validator';

/**
 * Names and versions become directory names under MODELS_DIR, so they are restricted to a safe
 * alphabet: no slashes, no `..`, nothing hidden. `latest` is reserved as a version alias.
 */
export const SAFE_SEGMENT = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const ModelNameRule = () =>
  Matches(SAFE_SEGMENT, {
    message: ({ property }) =>
      `${property} must be 1-64 letters, digits, dots, dashes or ` +
      `underscores, starting with a letter or digit, without ".."`,
  });

export const ModelVersionRule = () =>
  applyDecorators(ModelNameRule(), NotEquals('latest', { message: 'version "latest" is reserved' }));

/** Multipart fields arrive as text: lists and objects are sent as JSON strings. */
export const JsonText = () =>
  Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  });
