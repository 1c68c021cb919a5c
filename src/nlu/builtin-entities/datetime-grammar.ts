import { isValidDate } from './calendar.js';
import type { BuiltinLanguage, DurationUnit, PartOfDay, WeekModifier } from './language-table.js';
import type { NumberWordParser } from './number-words.js';
import type { PhraseMatcher } from './text-cursor.js';
import { afterSpace, compilePhrases, isDigitCode, isWordCharacter, phrasesOf, readDigits, readLetters } from './text-cursor.js';

/**
 * The shape of a date or time expression, read from the normalised text without deciding yet
 * which day it means (that needs the reference time; see `datetime-resolve.ts`). An expression is
 * a relative shift ("in 3 days", "two hours ago"), a date with an optional part of day and time
 * ("tomorrow at 5pm", "next friday evening", "march 5th"), or a time with an optional date after
 * it ("5:30 pm", "noon tomorrow", "at 9 on monday").
 */

export type DateSpec =
  | { readonly kind: 'offset'; readonly days: number }
  | { readonly kind: 'weekday'; readonly weekday: number; readonly modifier: WeekModifier | undefined }
  | { readonly kind: 'calendar'; readonly year: number | undefined; readonly month: number; readonly day: number }
  | { readonly kind: 'day-of-month'; readonly day: number }
  | { readonly kind: 'week'; readonly offset: number }
  | { readonly kind: 'month'; readonly offset: number }
  | { readonly kind: 'named-month'; readonly month: number; readonly year: number | undefined }
  | { readonly kind: 'end-of-month'; readonly offset: number };

export interface TimeSpec {
  /** 0–23 once a meridiem is applied; 1–11 without one when `flexible`. */
  readonly hour: number;
  readonly minute: number;
  readonly grain: 'hour' | 'minute';
  /** Written without am/pm and without a leading zero: "at 5" may be morning or afternoon. */
  readonly flexible: boolean;
  /** "midnight" ends the day it is attached to. */
  readonly nextDay: boolean;
  readonly partOfDay: PartOfDay | undefined;
}

export interface ParsedDatetime {
  /** End of the expression in the normalised text. */
  readonly end: number;
  readonly confidence: number;
  readonly date?: DateSpec;
  readonly partOfDay?: PartOfDay;
  readonly time?: TimeSpec;
  readonly shift?: { readonly amount: number; readonly unit: DurationUnit };
}

export interface DatetimeGrammar {
  /** A cheap test: can an expression begin with the word at `position`? */
  startsExpression(text: string, position: number): boolean;
  parse(text: string, position: number): ParsedDatetime | undefined;
}

interface DateMatch {
  readonly end: number;
  readonly confidence: number;
  readonly date: DateSpec;
  readonly partOfDay?: PartOfDay;
}

interface TimeMatch {
  readonly end: number;
  readonly confidence: number;
  readonly time: TimeSpec;
}

interface MonthWord {
  readonly month: number;
  readonly ambiguous: boolean;
}

interface WeekdayWord {
  readonly weekday: number;
  readonly abbreviation: boolean;
}

const dateSeparators = new Set(['/', '-', '.']);
const joiners = new Set(['.', ',', ':', '/', '-']);

/** A space and then a word of letters at `position`. */
function isLetterWordAt(text: string, position: number): boolean {
  return text.charCodeAt(position) === 32 && readLetters(text, position + 1) > position + 1;
}

function longest<T extends { readonly end: number }>(...candidates: Array<T | undefined>): T | undefined {
  let best: T | undefined;
  for (const candidate of candidates) if (candidate && (!best || candidate.end > best.end)) best = candidate;
  return best;
}

/** Whether `position` ends a token: not followed by a letter, a digit, or a joiner and a digit ("5.5"). */
function endsToken(text: string, position: number): boolean {
  if (isWordCharacter(text, position)) return false;
  return !(joiners.has(text[position] ?? '') && isDigitCode(text.charCodeAt(position + 1)));
}

export function createDatetimeGrammar(language: BuiltinLanguage, numberWords: NumberWordParser, dayFirst: boolean): DatetimeGrammar {
  const words = language.dates;
  const days = compilePhrases(Object.entries(words.days));
  const weekdays = compilePhrases<WeekdayWord>([
    ...Object.entries(words.weekdays).map(([word, weekday]) => [word, { weekday, abbreviation: false }] as const),
    ...Object.entries(words.weekdayAbbreviations).map(([word, weekday]) => [word, { weekday, abbreviation: true }] as const),
  ]);
  const ambiguousMonths = new Set(words.ambiguousMonths);
  const months = compilePhrases<MonthWord>(
    [...Object.entries(words.months), ...Object.entries(words.monthAbbreviations)].map(
      ([word, month]) => [word, { month, ambiguous: ambiguousMonths.has(word) }] as const,
    ),
  );
  const modifiers = compilePhrases(Object.entries(words.modifiers));
  const partsOfDay = compilePhrases(Object.entries(words.partsOfDay));
  const partsOfDayAfterTime = compilePhrases(
    Object.entries(words.partsOfDayAfterTime).map(([phrase, part]) => [` ${phrase}`, part] as const),
  );
  const units = compilePhrases(Object.entries(words.units));
  const clockWords = compilePhrases(Object.entries(words.clockWords));
  const meridiems = compilePhrases<'am' | 'pm'>([
    ...words.am.flatMap((written) => [[written, 'am'] as const, [` ${written}`, 'am'] as const]),
    ...words.pm.flatMap((written) => [[written, 'pm'] as const, [` ${written}`, 'pm'] as const]),
  ]);
  const oClock = compilePhrases(words.oClock.flatMap((written) => [[written, true] as const, [` ${written}`, true] as const]));
  const on = compilePhrases(phrasesOf(words.on, true));
  const at = compilePhrases(phrasesOf(words.at, true));
  const inWords = compilePhrases(phrasesOf(words.in, true));
  const ago = compilePhrases(phrasesOf(words.ago, -1));
  const fromNow = compilePhrases(phrasesOf(words.fromNow, 1));
  const the = compilePhrases(phrasesOf(words.the, true));
  const of = compilePhrases(phrasesOf(words.of, true));
  const endOf = compilePhrases(phrasesOf(words.endOf, true));
  const one = compilePhrases(phrasesOf(words.one, 1));
  const halfAnHour = compilePhrases(phrasesOf(words.halfAnHour, 30));
  const suffixes = compilePhrases(phrasesOf(language.numbers.ordinalSuffixes, true));

  const firstWords = new Set<string>();
  const collect = (phrases: Iterable<string>): void => {
    for (const phrase of phrases) firstWords.add(phrase.split(' ')[0]!);
  };
  collect(Object.keys(words.days));
  collect(Object.keys(words.weekdays));
  collect(Object.keys(words.weekdayAbbreviations));
  collect(Object.keys(words.months));
  collect(Object.keys(words.monthAbbreviations));
  collect(Object.keys(words.modifiers));
  collect(Object.keys(words.clockWords));
  collect([...words.on, ...words.at, ...words.in, ...words.the, ...words.endOf, ...words.one, ...words.halfAnHour]);

  /** `matcher` at `position` followed by a space: the position after the space. */
  const thenSpace = <T>(matcher: PhraseMatcher<T>, text: string, position: number): { value: T; next: number } | undefined => {
    const found = matcher.match(text, position);
    if (!found) return undefined;
    const next = afterSpace(text, found.end);
    return next === undefined ? undefined : { value: found.value, next };
  };

  /** "," and/or a space between two parts of one expression. */
  const joint = (text: string, position: number): number | undefined =>
    afterSpace(text, text[position] === ',' ? position + 1 : position);

  const year = (text: string, position: number): { value: number; end: number } | undefined => {
    const end = readDigits(text, position);
    if (end - position !== 4 || !endsToken(text, end)) return undefined;
    return { value: Number(text.slice(position, end)), end };
  };

  /** An amount of units: digits, a spelled whole number, or "a"/"an". */
  const amount = (text: string, position: number): { value: number; end: number } | undefined => {
    const digitsEnd = readDigits(text, position);
    if (digitsEnd > position) {
      if (digitsEnd - position > 4 || !endsToken(text, digitsEnd)) return undefined;
      return { value: Number(text.slice(position, digitsEnd)), end: digitsEnd };
    }
    const spelled = numberWords.parse(text, position);
    const article = one.match(text, position);
    if (spelled && !spelled.ordinal && Number.isInteger(spelled.value) && (!article || spelled.end > article.end)) {
      return { value: spelled.value, end: spelled.end };
    }
    return article;
  };

  /** A day of the month: "5", "5th", "fifth". `marked` when written as an ordinal. */
  const dayOfMonth = (text: string, position: number): { day: number; end: number; marked: boolean } | undefined => {
    const digitsEnd = readDigits(text, position);
    if (digitsEnd > position) {
      if (digitsEnd - position > 2) return undefined;
      const day = Number(text.slice(position, digitsEnd));
      const suffix = suffixes.match(text, digitsEnd);
      const end = suffix ? suffix.end : digitsEnd;
      if (day < 1 || day > 31 || !endsToken(text, end)) return undefined;
      return { day, end, marked: suffix !== undefined };
    }
    const spelled = numberWords.parse(text, position);
    if (!spelled || !spelled.ordinal || !Number.isInteger(spelled.value) || spelled.value < 1 || spelled.value > 31) return undefined;
    return { day: spelled.value, end: spelled.end, marked: true };
  };

  const calendar = (
    end: number,
    month: number,
    day: number,
    givenYear: number | undefined,
    confidence: number,
  ): DateMatch | undefined =>
    isValidDate(givenYear ?? 2000, month, day) ? { end, confidence, date: { kind: 'calendar', year: givenYear, month, day } } : undefined;

  /** "2026-03-05", "05/03/2026", "march 5th, 2026", "the 5th of march", "march 2026", "in may". */
  const absoluteDate = (text: string, position: number): DateMatch | undefined => {
    const digitsEnd = readDigits(text, position);
    if (digitsEnd > position) return longest(numericDate(text, position, digitsEnd), dayFirstDate(text, position));
    return longest(monthFirstDate(text, position), dayFirstDate(text, position), inMonth(text, position));
  };

  const numericDate = (text: string, position: number, firstEnd: number): DateMatch | undefined => {
    const separator = text[firstEnd] ?? '';
    if (!dateSeparators.has(separator)) return undefined;
    const secondEnd = readDigits(text, firstEnd + 1);
    if (secondEnd - firstEnd - 1 < 1 || secondEnd - firstEnd - 1 > 2 || text[secondEnd] !== separator) return undefined;
    const thirdEnd = readDigits(text, secondEnd + 1);
    if (!endsToken(text, thirdEnd)) return undefined;
    const first = Number(text.slice(position, firstEnd));
    const second = Number(text.slice(firstEnd + 1, secondEnd));
    const third = Number(text.slice(secondEnd + 1, thirdEnd));
    const firstLength = firstEnd - position;
    const thirdLength = thirdEnd - secondEnd - 1;
    if (firstLength === 4 && (thirdLength === 1 || thirdLength === 2) && separator !== '.') {
      return calendar(thirdEnd, second, third, first, 1); // ISO order
    }
    if (firstLength > 2 || (thirdLength !== 2 && thirdLength !== 4)) return undefined;
    const fullYear = thirdLength === 4 ? third : third < 70 ? 2000 + third : 1900 + third;
    const [month, day] = dayFirst ? [second, first] : [first, second];
    const preferred = isValidDate(fullYear, month, day);
    const swapped = isValidDate(fullYear, day, month);
    if (preferred) return calendar(thirdEnd, month, day, fullYear, swapped && month !== day ? 0.9 : 1);
    if (swapped) return calendar(thirdEnd, day, month, fullYear, 0.9);
    return undefined;
  };

  const unmarkedConfidence = (month: MonthWord): number => (month.ambiguous ? 0.7 : 0.9);

  const monthFirstDate = (text: string, position: number): DateMatch | undefined => {
    const month = months.match(text, position);
    if (!month) return undefined;
    const afterMonth = afterSpace(text, text[month.end] === '.' ? month.end + 1 : month.end);
    if (afterMonth === undefined) return undefined;
    const monthYear = year(text, afterMonth);
    if (monthYear) {
      return { end: monthYear.end, confidence: 1, date: { kind: 'named-month', month: month.value.month, year: monthYear.value } };
    }
    const day = dayOfMonth(text, afterMonth);
    if (!day) return undefined;
    const next = joint(text, day.end);
    const givenYear = next === undefined ? undefined : year(text, next);
    if (givenYear) return calendar(givenYear.end, month.value.month, day.day, givenYear.value, 1);
    return calendar(day.end, month.value.month, day.day, undefined, day.marked ? 1 : unmarkedConfidence(month.value));
  };

  const dayFirstDate = (text: string, position: number): DateMatch | undefined => {
    const article = thenSpace(the, text, position);
    const day = dayOfMonth(text, article ? article.next : position);
    if (!day) return undefined;
    let cursor = afterSpace(text, day.end);
    if (cursor === undefined) return undefined;
    const ofWord = thenSpace(of, text, cursor);
    if (ofWord) cursor = ofWord.next;
    const month = months.match(text, cursor);
    if (!month) return undefined;
    const monthEnd = text[month.end] === '.' ? month.end + 1 : month.end;
    if (!endsToken(text, monthEnd)) return undefined;
    const next = joint(text, monthEnd);
    const givenYear = next === undefined ? undefined : year(text, next);
    if (givenYear) return calendar(givenYear.end, month.value.month, day.day, givenYear.value, 1);
    const marked = day.marked || ofWord !== undefined;
    if (article && !marked) return undefined;
    // "the 5th of may" is sure; "the 5th may be late" is not a date at all.
    const confidence = ofWord ? 1 : month.value.ambiguous ? 0.7 : marked ? 1 : 0.9;
    return calendar(month.end, month.value.month, day.day, undefined, confidence);
  };

  const inMonth = (text: string, position: number): DateMatch | undefined => {
    const preposition = thenSpace(inWords, text, position);
    if (!preposition) return undefined;
    const month = months.match(text, preposition.next);
    if (!month) return undefined;
    const next = afterSpace(text, month.end);
    const givenYear = next === undefined ? undefined : year(text, next);
    return {
      end: givenYear ? givenYear.end : month.end,
      confidence: month.value.ambiguous && !givenYear ? 0.9 : 1,
      date: { kind: 'named-month', month: month.value.month, year: givenYear?.value },
    };
  };

  const weekdayDate = (text: string, position: number, hasOn: boolean): DateMatch | undefined => {
    const modifier = thenSpace(modifiers, text, position);
    const cursor = modifier ? modifier.next : position;
    const weekday = weekdays.match(text, cursor);
    if (!weekday) return undefined;
    const sure = hasOn || modifier !== undefined;
    let confidence = weekday.value.abbreviation ? (sure ? 0.9 : 0.7) : sure ? 1 : 0.85;
    // "next friday" is this coming Friday to some people and the one after to others.
    if (modifier?.value === 'next') confidence = Math.min(confidence, 0.9);
    const date: DateSpec = { kind: 'weekday', weekday: weekday.value.weekday, modifier: modifier?.value };
    const match: DateMatch = { end: weekday.end, confidence, date };
    if (modifier) return match;
    // "friday, march 6": the date says which Friday.
    const next = joint(text, weekday.end);
    const written = next === undefined ? undefined : absoluteDate(text, next);
    return written && written.date.kind === 'calendar' ? { ...written, confidence: 1 } : match;
  };

  /** "this evening", "next week", "last month". */
  const modifiedPeriod = (text: string, position: number): DateMatch | undefined => {
    const modifier = thenSpace(modifiers, text, position);
    if (!modifier) return undefined;
    const offset = modifier.value === 'next' ? 1 : modifier.value === 'last' ? -1 : 0;
    const part = partsOfDay.match(text, modifier.next);
    if (part) {
      if (modifier.value !== 'this') return undefined;
      return { end: part.end, confidence: 1, date: { kind: 'offset', days: 0 }, partOfDay: part.value };
    }
    const unit = units.match(text, modifier.next);
    if (unit?.value === 'week') return { end: unit.end, confidence: 1, date: { kind: 'week', offset } };
    if (unit?.value === 'month') return { end: unit.end, confidence: 1, date: { kind: 'month', offset } };
    return undefined;
  };

  /** "end of the month", "the end of next month". */
  const endOfMonth = (text: string, position: number): DateMatch | undefined => {
    const article = thenSpace(the, text, position);
    const end = thenSpace(endOf, text, article ? article.next : position);
    if (!end) return undefined;
    const modifier = thenSpace(modifiers, text, end.next);
    const determiner = modifier ?? thenSpace(the, text, end.next);
    const unit = units.match(text, determiner ? determiner.next : end.next);
    if (unit?.value !== 'month') return undefined;
    const offset = modifier?.value === 'next' ? 1 : modifier?.value === 'last' ? -1 : 0;
    return { end: unit.end, confidence: 1, date: { kind: 'end-of-month', offset } };
  };

  const parseDate = (text: string, position: number): DateMatch | undefined => {
    const preposition = thenSpace(on, text, position);
    const cursor = preposition ? preposition.next : position;
    const hasOn = preposition !== undefined;
    const day = days.match(text, cursor);
    const dayMatch: DateMatch | undefined = day && {
      end: day.end,
      confidence: 1,
      date: { kind: 'offset', days: day.value.offset },
      ...(day.value.partOfDay ? { partOfDay: day.value.partOfDay } : {}),
    };
    let dayOfMonthMatch: DateMatch | undefined;
    if (hasOn) {
      // "on the 5th"
      const article = thenSpace(the, text, cursor);
      const ordinal = article ? dayOfMonth(text, article.next) : undefined;
      if (ordinal?.marked) dayOfMonthMatch = { end: ordinal.end, confidence: 0.8, date: { kind: 'day-of-month', day: ordinal.day } };
    }
    const found = longest(
      dayMatch,
      weekdayDate(text, cursor, hasOn),
      modifiedPeriod(text, cursor),
      endOfMonth(text, cursor),
      absoluteDate(text, cursor),
      dayOfMonthMatch,
    );
    if (!found || !endsToken(text, found.end)) return undefined;
    return found;
  };

  const parseTime = (text: string, position: number): TimeMatch | undefined => {
    const preposition = thenSpace(at, text, position);
    const cursor = preposition ? preposition.next : position;
    const hasAt = preposition !== undefined;

    const clock = clockWords.match(text, cursor);
    if (clock) {
      const time: TimeSpec = {
        hour: clock.value.hour,
        minute: clock.value.minute,
        grain: 'hour',
        flexible: false,
        nextDay: clock.value.nextDay === true,
        partOfDay: undefined,
      };
      return { end: clock.end, confidence: 1, time };
    }

    let hour: number;
    let minute = 0;
    let hasMinutes = false;
    let zeroPadded = false;
    let spelled = false;
    let end: number;
    const hourEnd = readDigits(text, cursor);
    if (hourEnd > cursor) {
      if (hourEnd - cursor > 2) return undefined;
      hour = Number(text.slice(cursor, hourEnd));
      zeroPadded = hourEnd - cursor === 2 && text[cursor] === '0';
      end = hourEnd;
      const separator = text[hourEnd];
      if ((separator === ':' || separator === '.') && readDigits(text, hourEnd + 1) === hourEnd + 3) {
        // "5.30" only with am/pm after it: alone it is a decimal number.
        if (separator === ':' || meridiems.match(text, hourEnd + 3)) {
          minute = Number(text.slice(hourEnd + 1, hourEnd + 3));
          hasMinutes = true;
          end = hourEnd + 3;
          if (text[end] === ':' && readDigits(text, end + 1) === end + 3) end += 3; // seconds are dropped
        }
      }
    } else {
      const wordEnd = readLetters(text, cursor);
      if (wordEnd === cursor || !numberWords.startsNumber(text.slice(cursor, wordEnd))) return undefined;
      const number = numberWords.parse(text, cursor);
      if (!number || number.ordinal || !Number.isInteger(number.value) || number.value < 1 || number.value > 12) return undefined;
      hour = number.value;
      end = number.end;
      spelled = true;
    }

    const meridiem = meridiems.match(text, end);
    const clockSuffix = meridiem ? undefined : oClock.match(text, end);
    if (meridiem) end = meridiem.end;
    else if (clockSuffix) end = clockSuffix.end;
    else if (!hasMinutes && !hasAt) return undefined;
    if (!endsToken(text, end)) return undefined;
    if (minute > 59) return undefined;
    if (meridiem ? hour < 1 || hour > 12 : hour > 23) return undefined;

    const partAfter = partsOfDayAfterTime.match(text, end);
    if (partAfter) end = partAfter.end;
    else if (spelled && !meridiem && !clockSuffix && isLetterWordAt(text, end) && !parseDate(text, end + 1)) {
      // "at one point" is not a time: a spelled hour alone ends the phrase or leads into a date.
      return undefined;
    }
    if (meridiem) hour = meridiem.value === 'am' ? hour % 12 : (hour % 12) + 12;
    const flexible = !meridiem && !zeroPadded && hour >= 1 && hour <= 11;
    const time: TimeSpec = {
      hour,
      minute,
      grain: hasMinutes ? 'minute' : 'hour',
      flexible,
      nextDay: false,
      partOfDay: partAfter?.value,
    };
    return { end, confidence: flexible && !partAfter ? 0.8 : 1, time };
  };

  const parseShift = (text: string, position: number): ParsedDatetime | undefined => {
    const preposition = thenSpace(inWords, text, position);
    if (preposition) {
      const half = halfAnHour.match(text, preposition.next);
      if (half) return { end: half.end, confidence: 1, shift: { amount: half.value, unit: 'minute' } };
      const count = amount(text, preposition.next);
      const unitStart = count === undefined ? undefined : afterSpace(text, count.end);
      const unit = unitStart === undefined ? undefined : units.match(text, unitStart);
      if (count && unit) return { end: unit.end, confidence: 1, shift: { amount: count.value, unit: unit.value } };
    }
    const half = halfAnHour.match(text, position);
    let quantity: { value: number; unit: DurationUnit; end: number } | undefined;
    if (half) quantity = { value: half.value, unit: 'minute', end: half.end };
    else {
      const count = amount(text, position);
      const unitStart = count === undefined ? undefined : afterSpace(text, count.end);
      const unit = unitStart === undefined ? undefined : units.match(text, unitStart);
      if (count && unit) quantity = { value: count.value, unit: unit.value, end: unit.end };
    }
    if (!quantity) return undefined;
    const next = afterSpace(text, quantity.end);
    const direction = next === undefined ? undefined : (ago.match(text, next) ?? fromNow.match(text, next));
    if (!direction) return undefined;
    return { end: direction.end, confidence: 1, shift: { amount: quantity.value * direction.value, unit: quantity.unit } };
  };

  const dateThenTime = (text: string, position: number): ParsedDatetime | undefined => {
    const date = parseDate(text, position);
    if (!date) return undefined;
    const kind = date.date.kind;
    if (kind === 'week' || kind === 'month' || kind === 'named-month' || kind === 'end-of-month') return date;
    let end = date.end;
    let partOfDay = date.partOfDay;
    if (!partOfDay) {
      // "tomorrow morning", "friday in the evening"
      const next = afterSpace(text, end);
      const part = (next === undefined ? undefined : partsOfDay.match(text, next)) ?? partsOfDayAfterTime.match(text, end);
      if (part) {
        partOfDay = part.value;
        end = part.end;
      }
    }
    const next = joint(text, end);
    const time = next === undefined ? undefined : parseTime(text, next);
    // "tonight at 9": the part of the day settles whether 9 is morning or evening.
    const timeConfidence = !time ? 1 : partOfDay && time.time.flexible ? 1 : time.confidence;
    return {
      end: time ? time.end : end,
      confidence: Math.min(date.confidence, timeConfidence),
      date: date.date,
      ...(partOfDay ? { partOfDay } : {}),
      ...(time ? { time: time.time } : {}),
    };
  };

  const timeThenDate = (text: string, position: number): ParsedDatetime | undefined => {
    const time = parseTime(text, position);
    if (!time) return undefined;
    const next = joint(text, time.end);
    const date = next === undefined ? undefined : parseDate(text, next);
    const kind = date?.date.kind;
    if (!date || kind === 'week' || kind === 'month' || kind === 'named-month' || kind === 'end-of-month') {
      return { end: time.end, confidence: time.confidence, time: time.time };
    }
    return {
      end: date.end,
      confidence: Math.min(date.confidence, date.partOfDay && time.time.flexible ? 1 : time.confidence),
      date: date.date,
      ...(date.partOfDay ? { partOfDay: date.partOfDay } : {}),
      time: time.time,
    };
  };

  return {
    startsExpression(text, position) {
      if (isDigitCode(text.charCodeAt(position))) return true;
      const end = readLetters(text, position);
      if (end === position) return false;
      const word = text.slice(position, end);
      return firstWords.has(word) || numberWords.startsNumber(word);
    },
    parse(text, position) {
      return longest(parseShift(text, position), dateThenTime(text, position), timeThenDate(text, position));
    },
  };
}
