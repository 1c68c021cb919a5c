import { describe, expect, it } from 'vitest';
import type { ResponseShape } from '../../src/core/index.js';
import { checkResponseShape, formatPath, responseShapeToSchema } from '../../src/connectors/index.js';

const order: ResponseShape = {
  type: 'object',
  required: ['id', 'status', 'items'],
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'shipped', 'delivered'] },
    total: { type: 'number' },
    quantity: { type: 'integer' },
    gift: { type: 'boolean' },
    note: { type: 'null' },
    items: { type: 'array', items: { type: 'object', required: ['sku', 'price'], properties: { sku: { type: 'string' }, price: { type: 'number' } } } },
  },
};

const check = (shape: ResponseShape, data: unknown) => checkResponseShape(responseShapeToSchema(shape), data);

describe('response shapes', () => {
  it('accept a matching answer and keep the fields the shape does not mention', () => {
    const answer = { id: '10001', status: 'shipped', total: 12.5, quantity: 2, gift: false, note: null, items: [{ sku: 'A', price: 5, colour: 'red' }], carrier: 'DHL' };
    expect(check(order, answer)).toEqual({ ok: true, data: answer });
    expect(check(order, { id: '1', status: 'pending', items: [] })).toEqual({ ok: true, data: { id: '1', status: 'pending', items: [] } });
    expect(check({ type: 'array' }, [1, 'two', null])).toMatchObject({ ok: true });
    expect(check({ type: 'object', required: ['anything'] }, { anything: 0 })).toMatchObject({ ok: true });
  });

  it('name the first bad place of a wrong answer', () => {
    expect(check(order, { id: '1', status: 'shipped', items: [{ sku: 'A', price: 1 }, { sku: 'B', price: '9.99' }] })).toEqual({
      ok: false,
      path: 'items[1].price',
      problem: 'expected number, received string',
    });
    expect(check(order, { id: '1', items: [] })).toEqual({ ok: false, path: 'status', problem: 'is missing (expected one of "pending"|"shipped"|"delivered")' });
    expect(check(order, { status: 'shipped', items: [] })).toEqual({ ok: false, path: 'id', problem: 'is missing (expected string)' });
    expect(check(order, { id: '1', status: 'lost', items: [] })).toMatchObject({ ok: false, path: 'status', problem: expect.stringContaining('"shipped"') });
    expect(check(order, { id: '1', status: 'shipped', items: [], quantity: 1.5 })).toMatchObject({ ok: false, path: 'quantity' });
    expect(check(order, [])).toMatchObject({ ok: false, path: '$', problem: 'expected object, received array' });
    expect(check(order, null)).toMatchObject({ ok: false, path: '$' });
    expect(check({ type: 'object', required: ['anything'] }, {})).toMatchObject({ ok: false, path: 'anything', problem: 'is missing' });
  });

  it('write paths as a reader would', () => {
    expect(formatPath([])).toBe('$');
    expect(formatPath(['items', 0, 'price'])).toBe('items[0].price');
    expect(formatPath([2, 'a-b', 'c'])).toBe('[2]["a-b"].c');
  });
});
