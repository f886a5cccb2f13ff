import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createRootLogger } from './logging.js';
import { AccessLog } from './access-log.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createRootLogger('warn', stream) };
}

const answer = (id: string, statusCode: number) => ({
  id,
  method: 'POST',
  url: '/api/v1/inference/m/predict',
  statusCode,
  responseTimeMs: 1,
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('AccessLog', () => {
  it('writes the first 503 with Retry-After of a window in full, then one line counting the rest', async () => {
    const { lines, logger } = capture();
    const log = new AccessLog(logger, 50);
    for (let index = 0; index < 5; index += 1) log.completed(answer(`r${index}`, 503), true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request completed', req: { id: 'r0' }, res: { statusCode: 503 } });
    await sleep(80);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ level: 50, folded: 4, res: { statusCode: 503 } });
    // A new window starts with a full line again.
    log.completed(answer('r5', 503), true);
    expect(lines[2]).toMatchObject({ req: { id: 'r5' } });
    log.flush();
    expect(lines).toHaveLength(3);
  });

  it('writes every other answer in full: a 500, a 503 without Retry-After, a 4xx', () => {
    const { lines, logger } = capture();
    const log = new AccessLog(logger, 60_000);
    log.completed(answer('a', 503), true);
    log.completed(answer('b', 500), false);
    log.completed(answer('c', 503), false);
    log.completed(answer('d', 429), true);
    log.completed(answer('e', 503), true);
    expect(lines.map((line) => (line.req as { id: string }).id)).toEqual(['a', 'b', 'c', 'd']);
    log.flush();
    expect(lines[4]).toMatchObject({ folded: 1 });
  });
});
