/**
 * Irregular past forms of common verbs, mapped to the base form before stemming, which only
 * strips regular suffixes: "wore" finds "wear", "paid" finds "pay", "bought" finds "buy".
 * Forms that are also everyday words of another meaning ("left", "felt", "saw", "found", "bit", "fell")
 * are left alone.
 */
const forms: Readonly<Record<string, readonly string[]>> = {
  wear: ['wore', 'worn'],
  tear: ['tore', 'torn'],
  pay: ['paid'],
  buy: ['bought'],
  send: ['sent'],
  sell: ['sold'],
  spend: ['spent'],
  lose: ['lost'],
  break: ['broke', 'broken'],
  choose: ['chose', 'chosen'],
  give: ['gave', 'given'],
  take: ['took', 'taken'],
  come: ['came'],
  go: ['went', 'gone'],
  make: ['made'],
  tell: ['told'],
  keep: ['kept'],
  hold: ['held'],
  hear: ['heard'],
  bring: ['brought'],
  think: ['thought'],
  write: ['wrote', 'written'],
  begin: ['began', 'begun'],
  show: ['shown'],
  freeze: ['froze', 'frozen'],
  shrink: ['shrank', 'shrunk'],
  steal: ['stole', 'stolen'],
  forget: ['forgot', 'forgotten'],
  understand: ['understood'],
  mean: ['meant'],
  fly: ['flew', 'flown'],
  ride: ['rode', 'ridden'],
  sew: ['sewn'],
  weave: ['wove', 'woven'],
  bend: ['bent'],
  arise: ['arose', 'arisen'],
  deal: ['dealt'],
  fall: ['fallen'],
  grow: ['grew', 'grown'],
  know: ['knew', 'known'],
  throw: ['threw', 'thrown'],
  drive: ['drove', 'driven'],
  eat: ['ate', 'eaten'],
  speak: ['spoke', 'spoken'],
  wake: ['woke', 'woken'],
  catch: ['caught'],
  teach: ['taught'],
  seek: ['sought'],
  fight: ['fought'],
  sleep: ['slept'],
  build: ['built'],
  lend: ['lent'],
  hide: ['hid', 'hidden'],
  bite: ['bitten'],
  shake: ['shook', 'shaken'],
  swim: ['swam', 'swum'],
  sink: ['sank', 'sunk'],
};

const baseForms = new Map<string, string>(Object.entries(forms).flatMap(([base, past]) => past.map((form) => [form, base] as const)));

/** The base form of an irregular past form, or the word itself. */
export function baseForm(word: string): string {
  return baseForms.get(word) ?? word;
}
