/**
 * The English ("Porter2") Snowball stemmer, after Martin Porter's published algorithm
 * (snowballstem.org/algorithms/english/stemmer.html): "deliveries" → "deliveri", "returned" →
 * "return", "cancellation" → "cancel". Input is one lower-case word of a–z letters (other words
 * are returned unchanged); the caller folds accents and removes apostrophes first.
 */

const exceptions: ReadonlyMap<string, string> = new Map(Object.entries({
  skis: 'ski', skies: 'sky', dying: 'die', lying: 'lie', tying: 'tie',
  idly: 'idl', gently: 'gentl', ugly: 'ugli', early: 'earli', only: 'onli', singly: 'singl',
  sky: 'sky', news: 'news', howe: 'howe', atlas: 'atlas', cosmos: 'cosmos', bias: 'bias', andes: 'andes',
}));
const afterStep1a = new Set(['inning', 'outing', 'canning', 'herring', 'earring', 'proceed', 'exceed', 'succeed']);

const step2Suffixes: readonly (readonly [string, string])[] = [
  ['ization', 'ize'], ['ational', 'ate'], ['fulness', 'ful'], ['ousness', 'ous'], ['iveness', 'ive'],
  ['tional', 'tion'], ['biliti', 'ble'], ['lessli', 'less'], ['entli', 'ent'], ['ation', 'ate'],
  ['alism', 'al'], ['aliti', 'al'], ['ousli', 'ous'], ['iviti', 'ive'], ['fulli', 'ful'],
  ['enci', 'ence'], ['anci', 'ance'], ['abli', 'able'], ['izer', 'ize'], ['ator', 'ate'],
  ['alli', 'al'], ['bli', 'ble'], ['ogi', 'og'], ['li', ''],
];
const step3Suffixes: readonly (readonly [string, string])[] = [
  ['ational', 'ate'], ['tional', 'tion'], ['alize', 'al'], ['icate', 'ic'], ['iciti', 'ic'],
  ['ative', ''], ['ical', 'ic'], ['ness', ''], ['ful', ''],
];
const step4Suffixes = [
  'ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ant', 'ent', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize', 'ion',
  'al', 'er', 'ic',
];
const doubles = new Set(['bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt']);
const validLiEnding = new Set(['c', 'd', 'e', 'g', 'h', 'k', 'm', 'n', 'r', 't']);
const lettersOnly = /^[a-z]+$/;

function isVowel(character: string | undefined): boolean {
  return character === 'a' || character === 'e' || character === 'i' || character === 'o' || character === 'u' || character === 'y';
}

/** Where the region after the first non-vowel that follows a vowel begins, from `from`. */
function regionAfter(word: string, from: number): number {
  for (let i = from + 1; i < word.length; i += 1) {
    if (!isVowel(word[i]) && isVowel(word[i - 1])) return i + 1;
  }
  return word.length;
}

/** A short syllable ending at `end` (exclusive). */
function endsWithShortSyllable(word: string, end: number): boolean {
  if (end === 2) return isVowel(word[0]) && !isVowel(word[1]);
  if (end < 3) return false;
  const last = word[end - 1]!;
  return !isVowel(word[end - 3]) && isVowel(word[end - 2]) && !isVowel(last) && last !== 'w' && last !== 'x' && last !== 'Y';
}

function containsVowel(word: string, end: number): boolean {
  for (let i = 0; i < end; i += 1) if (isVowel(word[i])) return true;
  return false;
}

export function stemEnglish(input: string): string {
  if (input.length <= 2 || !lettersOnly.test(input)) return input;
  const exception = exceptions.get(input);
  if (exception !== undefined) return exception;

  // Consonant y: at the start or after a vowel.
  let word = input;
  if (word[0] === 'y') word = `Y${word.slice(1)}`;
  for (let i = 1; i < word.length; i += 1) {
    if (word[i] === 'y' && isVowel(word[i - 1])) word = `${word.slice(0, i)}Y${word.slice(i + 1)}`;
  }

  let r1: number;
  if (word.startsWith('gener') || word.startsWith('arsen')) r1 = 5;
  else if (word.startsWith('commun')) r1 = 6;
  else r1 = regionAfter(word, 0);
  const r2 = regionAfter(word, r1);

  // Step 1a
  if (word.endsWith('sses')) {
    word = word.slice(0, -2);
  } else if (word.endsWith('ied') || word.endsWith('ies')) {
    word = word.length > 4 ? word.slice(0, -2) : word.slice(0, -1);
  } else if (word.endsWith('us') || word.endsWith('ss')) {
    // unchanged
  } else if (word.endsWith('s')) {
    if (containsVowel(word, word.length - 2)) word = word.slice(0, -1);
  }
  if (afterStep1a.has(word)) return word;

  // Step 1b
  const step1b = ['eedly', 'ingly', 'edly', 'eed', 'ing', 'ed'].find((suffix) => word.endsWith(suffix));
  if (step1b === 'eed' || step1b === 'eedly') {
    if (word.length - step1b.length >= r1) word = `${word.slice(0, -step1b.length)}ee`;
  } else if (step1b !== undefined) {
    const stem = word.slice(0, -step1b.length);
    if (containsVowel(stem, stem.length)) {
      word = stem;
      if (word.endsWith('at') || word.endsWith('bl') || word.endsWith('iz')) word += 'e';
      else if (doubles.has(word.slice(-2))) word = word.slice(0, -1);
      else if (r1 >= word.length && endsWithShortSyllable(word, word.length)) word += 'e';
    }
  }

  // Step 1c
  if (word.length > 2 && (word.endsWith('y') || word.endsWith('Y')) && !isVowel(word[word.length - 2])) {
    word = `${word.slice(0, -1)}i`;
  }

  // Step 2
  for (const [suffix, replacement] of step2Suffixes) {
    if (!word.endsWith(suffix)) continue;
    const at = word.length - suffix.length;
    if (at >= r1) {
      if (suffix === 'ogi') {
        if (word[at - 1] === 'l') word = word.slice(0, at) + replacement;
      } else if (suffix === 'li') {
        if (validLiEnding.has(word[at - 1] ?? '')) word = word.slice(0, at);
      } else {
        word = word.slice(0, at) + replacement;
      }
    }
    break;
  }

  // Step 3
  for (const [suffix, replacement] of step3Suffixes) {
    if (!word.endsWith(suffix)) continue;
    const at = word.length - suffix.length;
    if (at >= r1 && (suffix !== 'ative' || at >= r2)) word = word.slice(0, at) + replacement;
    break;
  }

  // Step 4
  for (const suffix of step4Suffixes) {
    if (!word.endsWith(suffix)) continue;
    const at = word.length - suffix.length;
    if (at >= r2 && (suffix !== 'ion' || word[at - 1] === 's' || word[at - 1] === 't')) word = word.slice(0, at);
    break;
  }

  // Step 5
  if (word.endsWith('e')) {
    const at = word.length - 1;
    if (at >= r2 || (at >= r1 && !endsWithShortSyllable(word, at))) word = word.slice(0, at);
  } else if (word.endsWith('l')) {
    const at = word.length - 1;
    if (at >= r2 && word[at - 1] === 'l') word = word.slice(0, at);
  }

  return word.replaceAll('Y', 'y');
}
