import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Matches } from 'class-validator';
import { ValidationFailedError } from '../errors/domain-error.js';
import { createValidationPipe } from './validation-pipe.js';

class NameParams {
  @Matches(/^[a-z-]{1,20}$/, { message: 'name must be 1-20 lowercase letters or dashes' }) name: string;
}
const param = { type: 'param' as const, metatype: NameParams, data: undefined };

describe('the global pipe on route-parameter DTOs', () => {
  it('checks each distinct value once, yet every call gets its own instance of the DTO', async () => {
    const pipe = createValidationPipe();
    const first = (await pipe.transform({ name: 'sensor-anomaly' }, param)) as NameParams;
    const second = (await pipe.transform({ name: 'sensor-anomaly' }, param)) as NameParams;
    expect(first).toBeInstanceOf(NameParams);
    expect(second).toBeInstanceOf(NameParams);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    second.name = 'changed'; // a copy from the memo: changing it must not change the next call's
    expect(((await pipe.transform({ name: 'sensor-anomaly' }, param)) as NameParams).name).toBe('sensor-anomaly');
  });

  it('refuses every invalid value every time, before and after valid ones, with its details', async () => {
    const pipe = createValidationPipe();
    for (const value of [{ name: 'BAD' }, { name: 'ok' }, { name: 'BAD' }, { name: 'ok', extra: 'x' }]) {
      const outcome = pipe.transform(value, param);
      if (value.name === 'ok' && !('extra' in value)) await expect(outcome).resolves.toBeInstanceOf(NameParams);
      else await expect(outcome).rejects.toBeInstanceOf(ValidationFailedError);
    }
    await expect(pipe.transform({ name: 'BAD' }, param)).rejects.toMatchObject({
      details: [{ field: 'name', message: 'name must be 1-20 lowercase letters or dashes' }],
    });
  });

  it('keeps working past its memo limit (a flood of distinct names)', async () => {
    const pipe = createValidationPipe();
    const name = (index: number) => 'n-' + index.toString(26).replace(/\d/g, (d) => 'abcdefghij'[Number(d)]);
    for (let index = 0; index < 1_200; index += 1)
      expect(((await pipe.transform({ name: name(index) }, param)) as NameParams).name).toBe(name(index));
    await expect(pipe.transform({ name: 'BAD' }, param)).rejects.toBeInstanceOf(ValidationFailedError);
  });
});
