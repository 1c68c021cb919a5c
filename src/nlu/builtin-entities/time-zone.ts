import { dayNumber } from './calendar.js';

/**
 * Wall-clock time in an IANA time zone, from the runtime's own time-zone data (`Intl`), so no
 * library and no bundled database. A local time that does not exist (the hour skipped when clocks
 * go forward) is moved forward by the gap; one that exists twice (clocks going back) is the
 * earlier of the two, as `Temporal`'s "compatible" disambiguation does.
 */

export interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

export interface TimeZone {
  readonly id: string;
  /** Minutes ahead of UTC at that instant (60 for Berlin in winter). */
  offsetMinutes(instant: number): number;
  toLocal(instant: number): LocalTime;
  toInstant(local: LocalTime): number;
}

const minuteMs = 60_000;
const dayMs = 86_400_000;
const utcNames = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Etc/Zulu']);

const utc: TimeZone = {
  id: 'UTC',
  offsetMinutes: () => 0,
  toLocal: (instant) => fieldsOf(new Date(instant), 0),
  toInstant: (local) => localMs(local),
};

function fieldsOf(date: Date, offsetMinutes: number): LocalTime {
  const shifted = new Date(date.getTime() + offsetMinutes * minuteMs);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
  };
}

function localMs(local: LocalTime): number {
  return dayNumber(local.year, local.month, local.day) * dayMs + (local.hour * 60 + local.minute) * minuteMs;
}

const zones = new Map<string, TimeZone>();

/** Throws a RangeError for a name the runtime does not know. */
export function createTimeZone(name: string): TimeZone {
  const cached = zones.get(name);
  if (cached) return cached;
  const formatter = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
    timeZone: name,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  const id = formatter.resolvedOptions().timeZone;
  const zone = utcNames.has(id) ? utc : zoneFrom(id, formatter);
  zones.set(name, zone);
  return zone;
}

/** The formatter's "M/D/YYYY, HH:MM", read without relying on its exact punctuation. */
const formatted = /(\d+)\D+(\d+)\D+(\d+)\D+(\d+)\D+(\d+)/;
const cacheLimit = 4096;

function zoneFrom(id: string, formatter: Intl.DateTimeFormat): TimeZone {
  // Offsets change on whole minutes, so one look-up per minute is enough; a message resolves a
  // handful of instants, most of them more than once.
  const cache = new Map<number, number>();
  const offsetMinutes = (instant: number): number => {
    const minute = Math.floor(instant / minuteMs);
    const cached = cache.get(minute);
    if (cached !== undefined) return cached;
    const whole = minute * minuteMs;
    const parts = formatted.exec(formatter.format(new Date(whole)));
    if (!parts) throw new Error(`Unexpected date format from Intl for ${id}`);
    const [, month, day, year, hour, minutes] = parts.map(Number) as [number, number, number, number, number, number];
    const asUtc = Date.UTC(year, month - 1, day, hour % 24, minutes);
    const offset = Math.round((asUtc - whole) / minuteMs);
    if (cache.size >= cacheLimit) cache.clear();
    cache.set(minute, offset);
    return offset;
  };
  return {
    id,
    offsetMinutes,
    toLocal: (instant) => fieldsOf(new Date(instant), offsetMinutes(instant)),
    toInstant(local) {
      const wall = localMs(local);
      // Offsets a day either side: at most one transition lies between them.
      const before = offsetMinutes(wall - dayMs);
      const after = offsetMinutes(wall + dayMs);
      if (before === after) return wall - before * minuteMs;
      const fits = [before, after].filter((offset) => offsetMinutes(wall - offset * minuteMs) === offset);
      if (fits.length === 0) return wall - before * minuteMs; // in a gap: as if the clocks had not changed yet
      return Math.min(...fits.map((offset) => wall - offset * minuteMs));
    },
  };
}

/** "+01:00", "-05:30", "+00:00". */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

export function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}
