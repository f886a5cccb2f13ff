import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { ValidationFailedError } from '../errors/domain-error.js';
import { validateAs, validOrThrow } from './validate-as.js';

class LineDto {
  @IsInt() @Min(1) quantity: number;
}

class OrderDto {
  @IsString() @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) note: string;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => LineDto) items?: LineDto[];
}

describe('validateAs', () => {
  it('returns the typed instance with transforms applied', () => {
    const checked = validateAs(OrderDto, { note: '  hi ', items: [{ quantity: 2 }] });
    expect(checked.ok).toBe(true);
    const order = validOrThrow(checked);
    expect(order).toBeInstanceOf(OrderDto);
    expect(order.note).toBe('hi');
    expect(order.items?.[0]).toBeInstanceOf(LineDto);
  });

  it('refuses unknown fields and addresses nested details by path, under the prefix', () => {
    expect(validateAs(OrderDto, { note: 'x', extra: 1, items: [{ quantity: 0 }] })).toEqual({
      ok: false,
      details: [
        { field: 'extra', message: 'property extra should not exist' },
        { field: 'items.0.quantity', message: 'quantity must not be less than 1' },
      ],
    });
    expect(validateAs(OrderDto, { note: 1 }, 'orders.3')).toEqual({
      ok: false,
      details: [{ field: 'orders.3.note', message: 'note must be a string' }],
    });
  });

  it('never converts implicitly: a numeric string is not an integer', () => {
    expect(validateAs(LineDto, { quantity: '2' })).toEqual({
      ok: false,
      details: [{ field: 'quantity', message: expect.stringContaining('quantity must be an integer number') }],
    });
  });

  it('fails a value that is not an object as a whole', () => {
    expect(validateAs(LineDto, [1], 'rows.2')).toEqual({
      ok: false,
      details: [{ field: 'rows.2', message: 'each item must be an object' }],
    });
    expect(validateAs(LineDto, null)).toEqual({
      ok: false,
      details: [{ field: 'body', message: 'body must be a JSON object' }],
    });
    expect(validateAs(LineDto, Buffer.from('{}'))).toMatchObject({ ok: false });
  });

  it('strips prototype keys instead of letting them reach the instance', () => {
    const plain = JSON.parse('{"quantity": 1, "__proto__": {"polluted": true}, "constructor": {"prototype": {}}}');
    const line = validOrThrow(validateAs(LineDto, plain));
    expect(line).toBeInstanceOf(LineDto);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.keys(line)).toEqual(['quantity']);
  });

  it('validOrThrow throws the contract 400 with the details', () => {
    let thrown: unknown;
    try {
      validOrThrow(validateAs(LineDto, {}));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationFailedError);
    expect((thrown as ValidationFailedError).details).toEqual([
      { field: 'quantity', message: expect.stringContaining('quantity') },
    ]);
  });
});
