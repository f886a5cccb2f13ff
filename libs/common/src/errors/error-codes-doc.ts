import { ERROR_CODE_NAMES, ERROR_CODES } from './error-codes.js';

/**
 * docs/error-codes.md, rendered from the catalogue. `npm run docs:error-codes` writes it and
 * error-codes.spec.ts fails when the file and the catalogue disagree, so the page cannot drift.
 */
export function renderErrorCodesMarkdown(): string {
  const rows = ERROR_CODE_NAMES.map(
    (code) => `| \`${code}\` | ${ERROR_CODES[code].status} | ${ERROR_CODES[code].description.replace(/\|/g, '\\|')} |`,
  );
  return [
    '# Error codes',
    '',
    '<!-- Generated from libs/common/src/errors/error-codes.ts by `npm run docs:error-codes`; do not edit by hand. -->',
    '',
    'Every error body (`{ statusCode, error, code, message, ' +
      'details?, path, timestamp, requestId }`) carries one of these',
    'codes in `code`. Clients match on the code, never on `message`. The Swagger document lists the same codes',
    '(the `ErrorCode` schema, and the description of `ErrorBodyDto.code`). The `/v2` routes answer in the',
    "protocol's own body, without a code.",
    '',
    '| code | status | meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
