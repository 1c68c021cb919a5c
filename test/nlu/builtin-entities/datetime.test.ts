import { describe, expect, it } from 'vitest';
import type { DatetimeGrain } from '../../../src/nlu/builtin-entities/index.js';
import type { Expected } from './support.js';
import { expectFound, extract, extractorAt, reference } from './support.js';

/** The value for an ISO instant and grain: date and time are read off the instant. */
function at(value: string, grain: DatetimeGrain): { value: string; grain: DatetimeGrain; date: string; time?: string } {
  const date = value.slice(0, 10);
  return grain === 'minute' || grain === 'hour' ? { value, grain, date, time: value.slice(11, 16) } : { value, grain, date };
}

type Case = readonly [text: string, piece: string, value: string, grain: DatetimeGrain, confidence?: number];

function datetime([, piece, value, grain, confidence = 1]: Case): Expected {
  return ['datetime', piece, at(value, grain), confidence];
}

describe('built-in datetime in UTC (reference: Wednesday 2026-03-04 10:00)', () => {
  const extractor = extractorAt(reference, { timeZone: 'UTC' });
  const cases: readonly Case[] = [
    ['see you tomorrow at 5pm', 'tomorrow at 5pm', '2026-03-05T17:00:00+00:00', 'hour'],
    ['5pm tomorrow', '5pm tomorrow', '2026-03-05T17:00:00+00:00', 'hour'],
    ['today', 'today', '2026-03-04T00:00:00+00:00', 'day'],
    ['tonight', 'tonight', '2026-03-04T20:00:00+00:00', 'hour'],
    ['this evening', 'this evening', '2026-03-04T18:00:00+00:00', 'hour'],
    ['tomorrow morning', 'tomorrow morning', '2026-03-05T09:00:00+00:00', 'hour'],
    ['the day after tomorrow at noon', 'the day after tomorrow at noon', '2026-03-06T12:00:00+00:00', 'hour'],
    // Weekdays: the next such day, today included while its time has not passed.
    ['this friday', 'this friday', '2026-03-06T00:00:00+00:00', 'day'],
    ['on Monday', 'on Monday', '2026-03-09T00:00:00+00:00', 'day'],
    ['Friday', 'Friday', '2026-03-06T00:00:00+00:00', 'day', 0.85],
    ['wednesday', 'wednesday', '2026-03-04T00:00:00+00:00', 'day', 0.85],
    ['wednesday at 5pm', 'wednesday at 5pm', '2026-03-04T17:00:00+00:00', 'hour', 0.85],
    ['on wednesday at 9am', 'on wednesday at 9am', '2026-03-11T09:00:00+00:00', 'hour'],
    ['next Friday', 'next Friday', '2026-03-13T00:00:00+00:00', 'day', 0.9],
    ['last friday', 'last friday', '2026-02-27T00:00:00+00:00', 'day'],
    ['last wednesday', 'last wednesday', '2026-02-25T00:00:00+00:00', 'day'],
    ['at 9 on monday', 'at 9 on monday', '2026-03-09T09:00:00+00:00', 'hour', 0.8],
    ['friday, march 6', 'friday, march 6', '2026-03-06T00:00:00+00:00', 'day'],
    // Relative shifts.
    ['in 3 days', 'in 3 days', '2026-03-07T00:00:00+00:00', 'day'],
    ['in two hours', 'in two hours', '2026-03-04T12:00:00+00:00', 'hour'],
    ['in 30 minutes', 'in 30 minutes', '2026-03-04T10:30:00+00:00', 'minute'],
    ['in half an hour', 'in half an hour', '2026-03-04T10:30:00+00:00', 'minute'],
    ['in a week', 'in a week', '2026-03-11T00:00:00+00:00', 'day'],
    ['in 1 month', 'in 1 month', '2026-04-04T00:00:00+00:00', 'day'],
    ['3 days ago', '3 days ago', '2026-03-01T00:00:00+00:00', 'day'],
    ['an hour ago', 'an hour ago', '2026-03-04T09:00:00+00:00', 'hour'],
    ['2 weeks from now', '2 weeks from now', '2026-03-18T00:00:00+00:00', 'day'],
    // Times: today while not passed, else tomorrow.
    ['at 17:30', 'at 17:30', '2026-03-04T17:30:00+00:00', 'minute'],
    ['5:30 pm', '5:30 pm', '2026-03-04T17:30:00+00:00', 'minute'],
    ['at 5 p.m.', 'at 5 p.m.', '2026-03-04T17:00:00+00:00', 'hour'],
    ["at 7 o'clock", "at 7 o'clock", '2026-03-05T07:00:00+00:00', 'hour', 0.8],
    ['noon', 'noon', '2026-03-04T12:00:00+00:00', 'hour'],
    ['midnight', 'midnight', '2026-03-05T00:00:00+00:00', 'hour'],
    ['friday at midnight', 'friday at midnight', '2026-03-07T00:00:00+00:00', 'hour', 0.85],
    ['at 09:00', 'at 09:00', '2026-03-05T09:00:00+00:00', 'minute'],
    // Without am/pm: 1–6 afternoon, 7–11 morning, unless the part of day says.
    ['meet at 5', 'at 5', '2026-03-04T17:00:00+00:00', 'hour', 0.8],
    ['meet at five', 'at five', '2026-03-04T17:00:00+00:00', 'hour', 0.8],
    ['at 9', 'at 9', '2026-03-05T09:00:00+00:00', 'hour', 0.8],
    ['tonight at 9', 'tonight at 9', '2026-03-04T21:00:00+00:00', 'hour'],
    ['tomorrow morning at 9', 'tomorrow morning at 9', '2026-03-05T09:00:00+00:00', 'hour'],
    ['at 3 in the afternoon', 'at 3 in the afternoon', '2026-03-04T15:00:00+00:00', 'hour'],
    // Calendar dates: the next one without a year.
    ['March 5th', 'March 5th', '2026-03-05T00:00:00+00:00', 'day'],
    ['March 3rd', 'March 3rd', '2027-03-03T00:00:00+00:00', 'day'],
    ['march 5', 'march 5', '2026-03-05T00:00:00+00:00', 'day', 0.7],
    ['april 2', 'april 2', '2026-04-02T00:00:00+00:00', 'day', 0.9],
    ['5 March 2026', '5 March 2026', '2026-03-05T00:00:00+00:00', 'day'],
    ['March 5, 2026 at 10am', 'March 5, 2026 at 10am', '2026-03-05T10:00:00+00:00', 'hour'],
    ['the 5th of March', 'the 5th of March', '2026-03-05T00:00:00+00:00', 'day'],
    ['the fifth of march', 'the fifth of march', '2026-03-05T00:00:00+00:00', 'day'],
    ['on the 20th', 'on the 20th', '2026-03-20T00:00:00+00:00', 'day', 0.8],
    ['2026-03-05', '2026-03-05', '2026-03-05T00:00:00+00:00', 'day'],
    ['2026-03-05 17:00', '2026-03-05 17:00', '2026-03-05T17:00:00+00:00', 'minute'],
    // English reads month first; either order could be meant, so less than certain.
    ['05/03/2026', '05/03/2026', '2026-05-03T00:00:00+00:00', 'day', 0.9],
    // Only one reading is a date.
    ['25/03/2026', '25/03/2026', '2026-03-25T00:00:00+00:00', 'day', 0.9],
    ['12/25/2026', '12/25/2026', '2026-12-25T00:00:00+00:00', 'day'],
    ['3/4/26', '3/4/26', '2026-03-04T00:00:00+00:00', 'day', 0.9],
    // Periods.
    ['next week', 'next week', '2026-03-09T00:00:00+00:00', 'week'],
    ['this week', 'this week', '2026-03-02T00:00:00+00:00', 'week'],
    ['next month', 'next month', '2026-04-01T00:00:00+00:00', 'month'],
    ['in may', 'in may', '2026-05-01T00:00:00+00:00', 'month', 0.9],
    ['march 2027', 'march 2027', '2027-03-01T00:00:00+00:00', 'month'],
    ['by the end of the month', 'the end of the month', '2026-03-31T00:00:00+00:00', 'day'],
    ['end of next month', 'end of next month', '2026-04-30T00:00:00+00:00', 'day'],
  ];
  for (const testCase of cases) it(testCase[0], () => expectFound(extractor, testCase[0], [datetime(testCase)]));

  const notDates: ReadonlyArray<readonly [string, readonly Expected[]]> = [
    ['may I help you', []],
    ['Version 2.0 is out', [['number', '2.0', 2]]],
    ['in 2026', [['number', '2026', 2026]]],
    ['I bought 2 items', [['number', '2', 2]]],
    ['mondays are slow', []],
    ['at one point', [['number', 'one', 1, 0.8]]],
    ['13/13/2026', []],
    ['the 5th', [['ordinal', '5th', 5]]],
    ['march on', []],
    ['3.5 pm', [['number', '3.5', 3.5]]],
  ];
  it.each(notDates)('finds no date in %j', (text, expected) => expectFound(extractor, text, expected));

  it('keeps the span on the original text, however it is spaced and cased', () => {
    expectFound(extractor, 'Tomorrow   AT  5PM!', [['datetime', 'Tomorrow   AT  5PM', at('2026-03-05T17:00:00+00:00', 'hour'), 1]]);
  });

  it('finds several in one message', () => {
    expectFound(extractor, 'not today, maybe on Friday at 10:15 or next week', [
      ['datetime', 'today', at('2026-03-04T00:00:00+00:00', 'day'), 1],
      ['datetime', 'on Friday at 10:15', at('2026-03-06T10:15:00+00:00', 'minute'), 0.8],
      ['datetime', 'next week', at('2026-03-09T00:00:00+00:00', 'week'), 1],
    ]);
  });

  it('reads numeric dates day first when asked, or for a day-first region', () => {
    const expected: Expected[] = [['datetime', '05/03/2026', at('2026-03-05T00:00:00+00:00', 'day'), 0.9]];
    expectFound(extractorAt(reference, { dayFirst: true }), '05/03/2026', expected);
    expectFound(extractorAt(reference, { language: 'en-GB' }), '05/03/2026', expected);
    expectFound(extractorAt(reference, { language: 'en-GB', dayFirst: false }), '05/03/2026', [
      ['datetime', '05/03/2026', at('2026-05-03T00:00:00+00:00', 'day'), 0.9],
    ]);
  });
});

describe('built-in datetime in Europe/Berlin', () => {
  const berlin = (now: string) => extractorAt(now, { timeZone: 'Europe/Berlin' });

  const cases: readonly Case[] = [
    // 10:00 UTC is 11:00 in Berlin (UTC+1 in winter).
    ['tomorrow at 5pm', 'tomorrow at 5pm', '2026-03-05T17:00:00+01:00', 'hour'],
    ['today', 'today', '2026-03-04T00:00:00+01:00', 'day'],
    ['in two hours', 'in two hours', '2026-03-04T13:00:00+01:00', 'hour'],
    // 10:30 has passed in Berlin although not in UTC.
    ['at 10:30', 'at 10:30', '2026-03-05T10:30:00+01:00', 'minute', 0.8],
    ['next week', 'next week', '2026-03-09T00:00:00+01:00', 'week'],
    ['March 5th', 'March 5th', '2026-03-05T00:00:00+01:00', 'day'],
  ];
  for (const testCase of cases) it(testCase[0], () => expectFound(berlin(reference), testCase[0], [datetime(testCase)]));

  it('takes today from the zone, not from UTC', () => {
    // 23:30 UTC on the 4th is 00:30 on the 5th in Berlin.
    const late = '2026-03-04T23:30:00Z';
    expectFound(berlin(late), 'today', [['datetime', 'today', at('2026-03-05T00:00:00+01:00', 'day'), 1]]);
    expectFound(extractorAt(late, { timeZone: 'UTC' }), 'today', [['datetime', 'today', at('2026-03-04T00:00:00+00:00', 'day'), 1]]);
  });

  it('crosses the spring DST change (29 March 2026, 02:00 → 03:00)', () => {
    const saturday = berlin('2026-03-28T10:00:00Z');
    expectFound(saturday, 'tomorrow at 9am', [['datetime', 'tomorrow at 9am', at('2026-03-29T09:00:00+02:00', 'hour'), 1]]);
    // Midnight is still in winter time.
    expectFound(saturday, 'tomorrow', [['datetime', 'tomorrow', at('2026-03-29T00:00:00+01:00', 'day'), 1]]);
    // 02:30 does not exist that night: it is moved forward by the gap.
    expectFound(saturday, 'tomorrow at 2:30am', [['datetime', 'tomorrow at 2:30am', at('2026-03-29T03:30:00+02:00', 'minute'), 1]]);
    // Two hours after 01:30 (winter time) is 04:30 (summer time).
    expectFound(berlin('2026-03-29T00:30:00Z'), 'in 2 hours', [['datetime', 'in 2 hours', at('2026-03-29T04:30:00+02:00', 'hour'), 1]]);
  });

  it('crosses the autumn DST change (25 October 2026, 03:00 → 02:00)', () => {
    const saturday = berlin('2026-10-24T10:00:00Z');
    // 02:30 happens twice that night: the earlier one is taken.
    expectFound(saturday, 'tomorrow at 2:30am', [['datetime', 'tomorrow at 2:30am', at('2026-10-25T02:30:00+02:00', 'minute'), 1]]);
    expectFound(saturday, 'tomorrow at 9am', [['datetime', 'tomorrow at 9am', at('2026-10-25T09:00:00+01:00', 'hour'), 1]]);
  });
});

describe('built-in datetime in other zones', () => {
  it('writes offsets that are not whole hours', () => {
    expectFound(extractorAt(reference, { timeZone: 'Asia/Kolkata' }), 'tomorrow at 9am', [
      ['datetime', 'tomorrow at 9am', at('2026-03-05T09:00:00+05:30', 'hour'), 1],
    ]);
  });

  it('writes offsets behind UTC, across the US spring change (8 March 2026)', () => {
    const newYork = extractorAt('2026-03-07T15:00:00Z', { timeZone: 'America/New_York' });
    expectFound(newYork, 'today at 9am', [['datetime', 'today at 9am', at('2026-03-07T09:00:00-05:00', 'hour'), 1]]);
    expectFound(newYork, 'tomorrow at 9am', [['datetime', 'tomorrow at 9am', at('2026-03-08T09:00:00-04:00', 'hour'), 1]]);
  });

  it('gives an instant that Date reads back to the same moment', () => {
    const [found] = extract(extractorAt(reference, { timeZone: 'Europe/Berlin' }), 'tomorrow at 5pm');
    const { value } = found!.value as { value: string };
    expect(new Date(value).toISOString()).toBe('2026-03-05T16:00:00.000Z');
  });
});
