/**
 * The seam for other languages: everything a built-in needs to know about a language's words is
 * in one table. The grammar around the words (how a number is spelled out, where a date's parts
 * go) is shaped after English: a new language adds its table in `languages.ts` and, where the
 * table is not enough, a rule next to the English one.
 */

export type NumberWordKind = 'unit' | 'teen' | 'tens' | 'hundred' | 'scale';
export type PartOfDay = 'morning' | 'afternoon' | 'evening' | 'night';
export type WeekModifier = 'this' | 'next' | 'last';
export type DurationUnit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

export interface NumberWord {
  readonly kind: NumberWordKind;
  readonly value: number;
}

export interface CurrencyName {
  /** ISO 4217 code. */
  readonly currency: string;
  readonly confidence: number;
}

export interface ClockWord {
  readonly hour: number;
  readonly minute: number;
  /** "midnight" is the end of the day it is attached to. */
  readonly nextDay?: boolean;
}

export interface DayWord {
  /** Days from today. */
  readonly offset: number;
  readonly partOfDay?: PartOfDay;
}

export interface BuiltinLanguage {
  /** ISO 639-1 code. */
  readonly code: string;
  readonly numbers: {
    readonly decimalSeparator: '.' | ',';
    readonly cardinals: Readonly<Record<string, NumberWord>>;
    readonly ordinals: Readonly<Record<string, NumberWord>>;
    /** Words that stand for one before a scale word or a dozen ("a hundred", "a dozen"). */
    readonly article: readonly string[];
    /** Joins a hundred or a scale to what follows ("one hundred and two"). */
    readonly conjunction: readonly string[];
    readonly dozen: readonly string[];
    /** "and a half", "half a dozen". */
    readonly half: readonly string[];
    /** Words that are a number only sometimes ("the blue one", "wait a second"): alone, this confidence. */
    readonly ambiguous: Readonly<Record<string, number>>;
    /** The suffix a digit ordinal takes ("st" for 1, "th" for 11). */
    readonly ordinalSuffix: (value: number) => string;
    readonly ordinalSuffixes: readonly string[];
  };
  readonly money: {
    /** Currency symbols and prefixes, written in lower case ("$", "us$", "€"). */
    readonly symbols: Readonly<Record<string, string>>;
    /** ISO codes recognised as words; codes that are also common words ("all", "try") are left out. */
    readonly codes: readonly string[];
    readonly names: Readonly<Record<string, CurrencyName>>;
  };
  readonly dates: {
    /** Whether 05/03/2026 is the 5th of March; regions listed read day first regardless. */
    readonly dayFirst: boolean;
    readonly dayFirstRegions: readonly string[];
    /** 0 is Sunday, as in `Date.getDay`. */
    readonly weekdays: Readonly<Record<string, number>>;
    /** Abbreviations are less certain alone ("wed" is also a verb). */
    readonly weekdayAbbreviations: Readonly<Record<string, number>>;
    readonly months: Readonly<Record<string, number>>;
    readonly monthAbbreviations: Readonly<Record<string, number>>;
    /** Month words that are also common words ("may", "march"). */
    readonly ambiguousMonths: readonly string[];
    readonly days: Readonly<Record<string, DayWord>>;
    readonly partsOfDay: Readonly<Record<string, PartOfDay>>;
    /** Phrases after a time that place it in the day ("5 in the afternoon"). */
    readonly partsOfDayAfterTime: Readonly<Record<string, PartOfDay>>;
    readonly modifiers: Readonly<Record<string, WeekModifier>>;
    readonly units: Readonly<Record<string, DurationUnit>>;
    readonly clockWords: Readonly<Record<string, ClockWord>>;
    readonly am: readonly string[];
    readonly pm: readonly string[];
    readonly oClock: readonly string[];
    readonly on: readonly string[];
    readonly at: readonly string[];
    readonly in: readonly string[];
    readonly ago: readonly string[];
    readonly fromNow: readonly string[];
    readonly the: readonly string[];
    readonly of: readonly string[];
    readonly endOf: readonly string[];
    /** "a week ago", "in an hour". */
    readonly one: readonly string[];
    readonly halfAnHour: readonly string[];
  };
}
