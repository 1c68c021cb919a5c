import { describe, expect, it } from 'vitest';
import { withinOneEdit } from '../../src/nlu/index.js';

describe('withinOneEdit', () => {
  it.each([
    ['lisbon', 'lisbon'],
    ['lisbon', 'lisbn'],
    ['lisbon', 'lisboon'],
    ['lisbon', 'lisbin'],
    ['lisbon', 'lisbno'],
    ['keyboard', 'keybaord'],
    ['headset', 'haedset'],
    ['abc', 'bac'],
  ])('%s ~ %s', (left, right) => {
    expect(withinOneEdit(left, right)).toBe(true);
    expect(withinOneEdit(right, left)).toBe(true);
  });

  it.each([
    ['lisbon', 'lsbn'],
    ['lisbon', 'libson2'],
    ['keyboard', 'kyebaord'],
    ['abcd', 'badc'],
    ['abc', 'cab'],
    ['lisbon', 'london'],
  ])('%s !~ %s', (left, right) => {
    expect(withinOneEdit(left, right)).toBe(false);
    expect(withinOneEdit(right, left)).toBe(false);
  });
});
