import type { BuiltinLanguage, NumberWord, NumberWordKind } from './language-table.js';

/** The English word table for the built-in entities. */

function words(kind: NumberWordKind, list: readonly string[], first: number, step: number): Record<string, NumberWord> {
  return Object.fromEntries(list.map((word, index) => [word, { kind, value: first + index * step }]));
}

const cardinals: Record<string, NumberWord> = {
  ...words('unit', ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'], 0, 1),
  ...words('teen', ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'], 10, 1),
  ...words('tens', ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'], 20, 10),
  fourty: { kind: 'tens', value: 40 },
  hundred: { kind: 'hundred', value: 100 },
  thousand: { kind: 'scale', value: 1e3 },
  million: { kind: 'scale', value: 1e6 },
  billion: { kind: 'scale', value: 1e9 },
  trillion: { kind: 'scale', value: 1e12 },
};

const ordinals: Record<string, NumberWord> = {
  ...words('unit', ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth'], 1, 1),
  ...words(
    'teen',
    ['tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth'],
    10,
    1,
  ),
  ...words('tens', ['twentieth', 'thirtieth', 'fortieth', 'fiftieth', 'sixtieth', 'seventieth', 'eightieth', 'ninetieth'], 20, 10),
  hundredth: { kind: 'hundred', value: 100 },
  thousandth: { kind: 'scale', value: 1e3 },
  millionth: { kind: 'scale', value: 1e6 },
  billionth: { kind: 'scale', value: 1e9 },
};

function ordinalSuffix(value: number): string {
  const lastTwo = value % 100;
  if (lastTwo >= 11 && lastTwo <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][value % 10] ?? 'th';
}

const dollar = { currency: 'USD', confidence: 1 };
const euro = { currency: 'EUR', confidence: 1 };

export const english: BuiltinLanguage = {
  code: 'en',
  numbers: {
    decimalSeparator: '.',
    cardinals,
    ordinals,
    article: ['a'],
    conjunction: ['and'],
    dozen: ['dozen'],
    half: ['half'],
    ambiguous: { one: 0.8, second: 0.8 },
    ordinalSuffix,
    ordinalSuffixes: ['st', 'nd', 'rd', 'th'],
  },
  money: {
    // "$" alone is the US dollar in English; other dollars are written with their prefix.
    symbols: {
      $: 'USD',
      us$: 'USD',
      c$: 'CAD',
      ca$: 'CAD',
      a$: 'AUD',
      au$: 'AUD',
      nz$: 'NZD',
      hk$: 'HKD',
      s$: 'SGD',
      r$: 'BRL',
      '€': 'EUR',
      '£': 'GBP',
      '¥': 'JPY',
      '₹': 'INR',
      '₩': 'KRW',
      '₽': 'RUB',
      '₺': 'TRY',
      '₪': 'ILS',
      '₫': 'VND',
      '₴': 'UAH',
      '₱': 'PHP',
      '฿': 'THB',
    },
    codes: [
      'usd', 'eur', 'gbp', 'jpy', 'chf', 'cad', 'aud', 'nzd', 'cny', 'hkd', 'sgd', 'inr', 'krw', 'rub', 'brl', 'mxn', 'sek',
      'nok', 'dkk', 'pln', 'czk', 'huf', 'ron', 'bgn', 'zar', 'thb', 'idr', 'vnd', 'ils', 'aed', 'sar', 'uah', 'twd',
    ],
    names: {
      dollar,
      dollars: dollar,
      'us dollar': dollar,
      'us dollars': dollar,
      buck: { currency: 'USD', confidence: 0.9 },
      bucks: { currency: 'USD', confidence: 0.9 },
      'canadian dollar': { currency: 'CAD', confidence: 1 },
      'canadian dollars': { currency: 'CAD', confidence: 1 },
      'australian dollar': { currency: 'AUD', confidence: 1 },
      'australian dollars': { currency: 'AUD', confidence: 1 },
      euro,
      euros: euro,
      // A pound is also a weight.
      pound: { currency: 'GBP', confidence: 0.8 },
      pounds: { currency: 'GBP', confidence: 0.8 },
      'pound sterling': { currency: 'GBP', confidence: 1 },
      'pounds sterling': { currency: 'GBP', confidence: 1 },
      'british pounds': { currency: 'GBP', confidence: 1 },
      quid: { currency: 'GBP', confidence: 0.9 },
      yen: { currency: 'JPY', confidence: 1 },
      'swiss franc': { currency: 'CHF', confidence: 1 },
      'swiss francs': { currency: 'CHF', confidence: 1 },
      yuan: { currency: 'CNY', confidence: 1 },
      renminbi: { currency: 'CNY', confidence: 1 },
      rupee: { currency: 'INR', confidence: 0.9 },
      rupees: { currency: 'INR', confidence: 0.9 },
      'indian rupees': { currency: 'INR', confidence: 1 },
    },
  },
  dates: {
    dayFirst: false,
    dayFirstRegions: ['gb', 'uk', 'ie', 'au', 'nz', 'in', 'za'],
    weekdays: { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 },
    // "sat" and "sun" are left out: as words they are far more often not days.
    weekdayAbbreviations: { mon: 1, tue: 2, tues: 2, wed: 3, weds: 3, thu: 4, thur: 4, thurs: 4, fri: 5 },
    months: {
      january: 1,
      february: 2,
      march: 3,
      april: 4,
      may: 5,
      june: 6,
      july: 7,
      august: 8,
      september: 9,
      october: 10,
      november: 11,
      december: 12,
    },
    monthAbbreviations: { jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12 },
    ambiguousMonths: ['may', 'march', 'mar'],
    days: {
      today: { offset: 0 },
      tomorrow: { offset: 1 },
      tmrw: { offset: 1 },
      yesterday: { offset: -1 },
      'day after tomorrow': { offset: 2 },
      'the day after tomorrow': { offset: 2 },
      'day before yesterday': { offset: -2 },
      'the day before yesterday': { offset: -2 },
      tonight: { offset: 0, partOfDay: 'night' },
    },
    partsOfDay: { morning: 'morning', afternoon: 'afternoon', evening: 'evening', night: 'night' },
    partsOfDayAfterTime: {
      'in the morning': 'morning',
      'in the afternoon': 'afternoon',
      'in the evening': 'evening',
      'at night': 'night',
    },
    modifiers: { this: 'this', coming: 'this', next: 'next', last: 'last', previous: 'last' },
    units: {
      minute: 'minute',
      minutes: 'minute',
      min: 'minute',
      mins: 'minute',
      hour: 'hour',
      hours: 'hour',
      hr: 'hour',
      hrs: 'hour',
      day: 'day',
      days: 'day',
      week: 'week',
      weeks: 'week',
      month: 'month',
      months: 'month',
      year: 'year',
      years: 'year',
    },
    clockWords: {
      noon: { hour: 12, minute: 0 },
      midday: { hour: 12, minute: 0 },
      midnight: { hour: 0, minute: 0, nextDay: true },
    },
    am: ['am', 'a.m.', 'a.m'],
    pm: ['pm', 'p.m.', 'p.m'],
    oClock: ["o'clock", 'oclock'],
    on: ['on'],
    at: ['at'],
    in: ['in'],
    ago: ['ago'],
    fromNow: ['from now'],
    the: ['the'],
    of: ['of'],
    endOf: ['end of'],
    one: ['a', 'an'],
    halfAnHour: ['half an hour', 'half hour'],
  },
};
