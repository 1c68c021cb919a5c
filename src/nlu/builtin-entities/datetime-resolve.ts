import { addMonths, calendarDate, dayNumber, daysInMonth, isValidDate, isoWeekdayOf, weekdayOf } from './calendar.js';
import type { DateSpec, ParsedDatetime, TimeSpec } from './datetime-grammar.js';
import type { PartOfDay } from './language-table.js';
import type { TimeZone } from './time-zone.js';
import { formatOffset, pad } from './time-zone.js';

/**
 * Turns a parsed expression into one instant, against a reference time in a time zone. The rules
 * where English leaves a choice:
 *
 * - A weekday alone, "on", "this" or "coming" weekday: the next such day, today included unless a
 *   time is given that has already passed today. "next friday": the Friday of next week (Monday
 *   starts a week). "last friday": the most recent Friday before today.
 * - A time alone: today if it has not passed yet, otherwise tomorrow.
 * - A date without a year ("march 5th"): the next one, today included; "the 5th": this month's
 *   if not passed, else next month's.
 * - "at 5" without am/pm: 1–6 is afternoon, 7–11 morning ("at 5" → 17:00, "at 8" → 08:00),
 *   unless a part of day says otherwise ("tonight at 9" → 21:00).
 * - Parts of the day stand for one hour: morning 09:00, afternoon 15:00, evening 18:00, night
 *   (and "tonight") 20:00. "midnight" is the end of its day: "friday at midnight" is 00:00 Saturday.
 * - "in 2 hours", "10 minutes ago": the exact minute; "in 3 days", "in 2 weeks", "in a month":
 *   that day, as a day (the time of day is dropped).
 * - "next week": the Monday starting it, grain week; "next month": its first day, grain month.
 */

export type DatetimeGrain = 'minute' | 'hour' | 'day' | 'week' | 'month';

export interface DatetimeValue {
  /** ISO 8601 with the zone's offset at that instant: "2026-03-06T17:00:00+01:00". */
  readonly value: string;
  readonly grain: DatetimeGrain;
  /** The local date, "YYYY-MM-DD". */
  readonly date: string;
  /** The local time, "HH:MM", when the grain is an hour or a minute. */
  readonly time?: string;
}

export interface Reference {
  readonly instant: number;
  /** Today in the zone, as a day number. */
  readonly today: number;
  /** Minutes since local midnight, now. */
  readonly minutes: number;
  readonly zone: TimeZone;
}

const minuteMs = 60_000;
const partOfDayHours: Readonly<Record<PartOfDay, number>> = { morning: 9, afternoon: 15, evening: 18, night: 20 };

export function referenceAt(instant: number, zone: TimeZone): Reference {
  const local = zone.toLocal(instant);
  return { instant, today: dayNumber(local.year, local.month, local.day), minutes: local.hour * 60 + local.minute, zone };
}

interface Clock {
  readonly hour: number;
  readonly minute: number;
}

function clockOf(time: TimeSpec, partOfDay: PartOfDay | undefined): Clock {
  let { hour } = time;
  if (time.flexible) {
    if (partOfDay === 'morning') hour = hour % 12;
    else if (partOfDay) hour = (hour % 12) + 12;
    else if (hour <= 6) hour += 12;
  }
  return { hour, minute: time.minute };
}

function resolveDay(date: DateSpec, reference: Reference, minutes: number | undefined): { day: number; grain: DatetimeGrain } | undefined {
  const { today } = reference;
  const now = calendarDate(today);
  switch (date.kind) {
    case 'offset':
      return { day: today + date.days, grain: 'day' };
    case 'weekday': {
      if (date.modifier === 'next') {
        const nextMonday = today - (isoWeekdayOf(today) - 1) + 7;
        return { day: nextMonday + ((date.weekday + 6) % 7), grain: 'day' };
      }
      if (date.modifier === 'last') {
        return { day: today - ((weekdayOf(today) - date.weekday + 7) % 7 || 7), grain: 'day' };
      }
      let ahead = (date.weekday - weekdayOf(today) + 7) % 7;
      if (ahead === 0 && minutes !== undefined && minutes < reference.minutes) ahead = 7;
      return { day: today + ahead, grain: 'day' };
    }
    case 'calendar': {
      if (date.year !== undefined) {
        return isValidDate(date.year, date.month, date.day) ? { day: dayNumber(date.year, date.month, date.day), grain: 'day' } : undefined;
      }
      // The next such day; 29 February waits for a leap year.
      for (let year = now.year; year <= now.year + 8; year += 1) {
        if (!isValidDate(year, date.month, date.day)) continue;
        const day = dayNumber(year, date.month, date.day);
        if (day >= today) return { day, grain: 'day' };
      }
      return undefined;
    }
    case 'day-of-month': {
      for (let months = 0; months <= 12; months += 1) {
        const month = addMonths({ year: now.year, month: now.month, day: 1 }, months);
        if (!isValidDate(month.year, month.month, date.day)) continue;
        const day = dayNumber(month.year, month.month, date.day);
        if (day >= today) return { day, grain: 'day' };
      }
      return undefined;
    }
    case 'week':
      return { day: today - (isoWeekdayOf(today) - 1) + 7 * date.offset, grain: 'week' };
    case 'month': {
      const first = addMonths({ year: now.year, month: now.month, day: 1 }, date.offset);
      return { day: dayNumber(first.year, first.month, 1), grain: 'month' };
    }
    case 'named-month': {
      const year = date.year ?? (date.month >= now.month ? now.year : now.year + 1);
      return { day: dayNumber(year, date.month, 1), grain: 'month' };
    }
    case 'end-of-month': {
      const month = addMonths({ year: now.year, month: now.month, day: 1 }, date.offset);
      return { day: dayNumber(month.year, month.month, daysInMonth(month.year, month.month)), grain: 'day' };
    }
  }
}

function describe(instant: number, grain: DatetimeGrain, zone: TimeZone): DatetimeValue {
  const local = zone.toLocal(instant);
  const date = `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}`;
  const time = `${pad(local.hour)}:${pad(local.minute)}`;
  const value = `${date}T${time}:00${formatOffset(zone.offsetMinutes(instant))}`;
  return grain === 'minute' || grain === 'hour' ? { value, grain, date, time } : { value, grain, date };
}

function atLocal(day: number, hour: number, minute: number, zone: TimeZone): number {
  const { year, month, day: dayOfMonth } = calendarDate(day);
  return zone.toInstant({ year, month, day: dayOfMonth, hour, minute });
}

export function resolveDatetime(parsed: ParsedDatetime, reference: Reference): DatetimeValue | undefined {
  const { zone } = reference;
  if (parsed.shift) {
    const { amount, unit } = parsed.shift;
    if (unit === 'minute' || unit === 'hour') {
      const instant = Math.floor(reference.instant / minuteMs) * minuteMs + amount * (unit === 'minute' ? 1 : 60) * minuteMs;
      return describe(instant, unit, zone);
    }
    let day: number;
    if (unit === 'day' || unit === 'week') day = reference.today + amount * (unit === 'week' ? 7 : 1);
    else {
      const target = addMonths(calendarDate(reference.today), amount * (unit === 'year' ? 12 : 1));
      day = dayNumber(target.year, target.month, target.day);
    }
    return describe(atLocal(day, 0, 0, zone), 'day', zone);
  }

  const partOfDay = parsed.time?.partOfDay ?? parsed.partOfDay;
  const clock = parsed.time ? clockOf(parsed.time, partOfDay) : undefined;
  const minutes = clock ? clock.hour * 60 + clock.minute : undefined;
  let day: number;
  let grain: DatetimeGrain;
  if (parsed.date) {
    const resolved = resolveDay(parsed.date, reference, minutes);
    if (!resolved) return undefined;
    ({ day, grain } = resolved);
    if (grain === 'week' || grain === 'month') return describe(atLocal(day, 0, 0, zone), grain, zone);
  } else if (parsed.time && minutes !== undefined) {
    day = parsed.time.nextDay || minutes >= reference.minutes ? reference.today : reference.today + 1;
    grain = 'day';
  } else {
    return undefined;
  }
  if (parsed.time && clock) {
    if (parsed.time.nextDay) day += 1;
    return describe(atLocal(day, clock.hour, clock.minute, zone), parsed.time.grain, zone);
  }
  if (partOfDay) return describe(atLocal(day, partOfDayHours[partOfDay], 0, zone), 'hour', zone);
  return describe(atLocal(day, 0, 0, zone), grain, zone);
}
