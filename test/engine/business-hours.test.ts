import { describe, expect, it } from 'vitest';
import { withinHours } from '../../src/engine/index.js';

describe('business hours', () => {
  const hours = { time_zone: 'America/New_York', days: ['mon', 'tue', 'wed', 'thu', 'fri'] as ('mon' | 'tue' | 'wed' | 'thu' | 'fri')[], open: '08:00', close: '20:00' };
  it('reads the time in the team\'s time zone', () => {
    expect(withinHours(hours, new Date('2030-01-02T13:00:00Z'))).toBe(true); // Wednesday 08:00 in New York
    expect(withinHours(hours, new Date('2030-01-02T12:59:00Z'))).toBe(false); // 07:59
    expect(withinHours(hours, new Date('2030-01-03T00:59:00Z'))).toBe(true); // Wednesday 19:59
    expect(withinHours(hours, new Date('2030-01-03T01:00:00Z'))).toBe(false); // 20:00: closed
    expect(withinHours(hours, new Date('2030-01-05T15:00:00Z'))).toBe(false); // Saturday
  });
});
