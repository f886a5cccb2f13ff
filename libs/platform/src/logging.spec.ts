import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createRootLogger, maskQueryTokens } from './logging.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe('logging', () => {
  it('writes JSON and redacts authorization headers, passwords and tokens', () => {
    const { lines, stream } = capture();
    const logger = createRootLogger('info', stream);
    logger.info(
      { req: { headers: { authorization: 'Bearer secret.jwt.value' } }, body: { password: 'Hunter22', token: 'abc' } },
      'hello',
    );
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({
      msg: 'hello',
      level: 30,
      req: { headers: { authorization: '[REDACTED]' } },
      body: { password: '[REDACTED]', token: '[REDACTED]' },
    });
    expect(lines[0]).not.toContain('secret.jwt.value');
    expect(lines[0]).not.toContain('Hunter22');
  });

  it('masks tokens in query strings', () => {
    expect(maskQueryTokens('/api/v1/inference/stream?token=abc.def&x=1')).toBe(
      '/api/v1/inference/stream?token=[REDACTED]&x=1',
    );
  });
});
