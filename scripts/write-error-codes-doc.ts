// Writes docs/error-codes.md from the error-code catalogue (checked by libs/common/src/errors/error-codes.spec.ts).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderErrorCodesMarkdown } from '../libs/common/src/errors/error-codes-doc.js';

const target = resolve(import.meta.dirname, '..', 'docs', 'error-codes.md');
writeFileSync(target, renderErrorCodesMarkdown());
console.log(`wrote ${target}`);
