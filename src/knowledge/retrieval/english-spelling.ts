/**
 * British and American spellings brought to one form (the American one) before stemming, so
 * "colour" finds "color", "instalments" finds "installments" and "organise" finds "organize".
 * Documents and questions pass through the same function, so a rule that rewrites a word that
 * is not British at all (a name ending in "-ise") does no harm as long as it does not merge two
 * different words: the exceptions below keep "promise", "raise" or "exercise" apart from words
 * the stemmer would otherwise cut them down to.
 */

/** Whole words, inflections included. */
const wordPairs = new Map<string, string>();

function addForms(british: string, american: string, suffixes: readonly string[]): void {
  for (const suffix of suffixes) wordPairs.set(british + suffix, american + suffix);
}

// -ogue, -mme, -ce/-se, doubled and single l, and other one-off pairs.
addForms('catalogue', 'catalog', ['', 's', 'd']);
addForms('catalogu', 'catalog', ['ing']);
addForms('dialogue', 'dialog', ['', 's']);
addForms('analogue', 'analog', ['', 's']);
addForms('programme', 'program', ['', 's']);
addForms('cheque', 'check', ['', 's']);
addForms('licence', 'license', ['', 's']);
addForms('defence', 'defense', ['', 's', 'less']);
addForms('offence', 'offense', ['', 's']);
addForms('pretence', 'pretense', ['', 's']);
addForms('practis', 'practic', ['e', 'es', 'ed', 'ing']);
addForms('instalment', 'installment', ['', 's']);
addForms('instal', 'install', ['', 's']);
addForms('enrolment', 'enrollment', ['', 's']);
addForms('enrol', 'enroll', ['', 's']);
addForms('fulfilment', 'fulfillment', ['', 's']);
addForms('fulfil', 'fulfill', ['', 's']);
addForms('distil', 'distill', ['', 's']);
addForms('skilful', 'skillful', ['', 'ly']);
addForms('wilful', 'willful', ['', 'ly']);
addForms('jewellery', 'jewelry', ['']);
addForms('aluminium', 'aluminum', ['']);
addForms('pyjama', 'pajama', ['', 's']);
addForms('cos', 'coz', ['y', 'ier', 'iest', 'iness']);
addForms('tyre', 'tire', ['', 's']);
addForms('kerb', 'curb', ['', 's', 'side']);
addForms('draught', 'draft', ['', 's', 'y']);
addForms('grey', 'gray', ['', 's', 'ish', 'er', 'est']);
addForms('ageing', 'aging', ['']);
addForms('judgement', 'judgment', ['', 's']);
addForms('acknowledgement', 'acknowledgment', ['', 's']);
addForms('sceptic', 'skeptic', ['', 's', 'al', 'ism']);
addForms('towards', 'toward', ['']);
addForms('amongst', 'among', ['']);
addForms('whilst', 'while', ['']);
addForms('learnt', 'learned', ['']);
addForms('spelt', 'spelled', ['']);
addForms('plough', 'plow', ['', 's', 'ed', 'ing']);
addForms('moustache', 'mustache', ['', 's']);
addForms('doughnut', 'donut', ['', 's']);
addForms('artefact', 'artifact', ['', 's']);
addForms('manoeuvre', 'maneuver', ['', 's']);
addForms('manoeuvr', 'maneuver', ['ed', 'ing']);
addForms('woollen', 'woolen', ['', 's']);
addForms('mum', 'mom', ['', 's']);
addForms('postcode', 'zipcode', ['', 's']);

// Doubled l before a suffix in British English: "cancelled", "travelling", "labelled".
for (const root of [
  'cancel', 'travel', 'label', 'model', 'fuel', 'refuel', 'signal', 'total', 'channel', 'level', 'dial', 'duel',
  'equal', 'marvel', 'counsel', 'quarrel', 'pencil', 'shovel', 'tunnel', 'jewel', 'panel', 'barrel', 'snorkel',
  'unravel', 'grovel', 'swivel', 'libel', 'rival', 'gravel', 'spiral', 'pedal', 'initial', 'stencil', 'yodel',
]) {
  for (const suffix of ['ed', 'ing', 'er', 'ers']) wordPairs.set(`${root}l${suffix}`, root + suffix);
}
wordPairs.set('marvellous', 'marvelous');
wordPairs.set('marvellously', 'marvelously');

// -re → -er: "centre", "metres", "centred".
for (const british of [
  'centre', 'metre', 'kilometre', 'centimetre', 'millimetre', 'litre', 'millilitre', 'fibre', 'theatre', 'calibre',
  'sombre', 'spectre', 'lustre', 'meagre', 'sabre', 'sceptre', 'goitre',
]) {
  const stem = british.slice(0, -2);
  const american = `${stem}er`;
  wordPairs.set(british, american);
  wordPairs.set(`${british}s`, `${american}s`);
  wordPairs.set(`${stem}red`, `${american}ed`);
  wordPairs.set(`${stem}ring`, `${american}ing`);
}

/** -our → -or wherever the root occurs: "colourful", "unfavourable", "behaviours". */
const ourRoots: readonly (readonly [string, string])[] = [
  'colour', 'favour', 'honour', 'humour', 'labour', 'neighbour', 'behaviour', 'flavour', 'harbour', 'rumour',
  'odour', 'vapour', 'armour', 'savour', 'endeavour', 'parlour', 'vigour', 'valour', 'clamour', 'splendour',
  'rancour', 'candour', 'ardour', 'fervour', 'saviour', 'tumour', 'mould', 'enquir',
].map((british) => [british, british === 'mould' ? 'mold' : british === 'enquir' ? 'inquir' : british.replace(/our$/, 'or')] as const);

/** -ise/-yse → -ize/-yze, with the inflections and derivations that keep the s. */
const iseForms = /^(.{2,}?)([iy])s(e|es|ed|ing|er|ers|ation|ations|ational|able)$/;
/** Words spelt -ise on both sides of the Atlantic (by their base form). */
const iseExceptions = new Set([
  'advise', 'advertise', 'arise', 'chastise', 'comprise', 'compromise', 'concise', 'demise', 'despise', 'devise',
  'disguise', 'enterprise', 'excise', 'exercise', 'expertise', 'franchise', 'improvise', 'incise', 'merchandise',
  'noise', 'otherwise', 'likewise', 'clockwise', 'paradise', 'poise', 'praise', 'appraise', 'precise', 'premise',
  'promise', 'raise', 'braise', 'reprise', 'revise', 'rise', 'sunrise', 'supervise', 'surmise', 'surprise',
  'televise', 'treatise', 'wise', 'cruise', 'bruise', 'guise', 'turquoise', 'tortoise', 'porpoise', 'valise',
  'mortise', 'chemise', 'prise', 'apprise', 'cerise',
]);

const cache = new Map<string, string>();

/** The American spelling of a lower-case, accent-free word (the word itself when there is none). */
export function americanSpelling(word: string): string {
  if (word.length < 3) return word;
  const cached = cache.get(word);
  if (cached !== undefined) return cached;
  const result = convert(word);
  if (cache.size > 50_000) cache.clear();
  cache.set(word, result);
  return result;
}

function convert(word: string): string {
  const pair = wordPairs.get(word);
  if (pair !== undefined) return pair;
  for (const [british, american] of ourRoots) {
    if (word.includes(british)) return word.replace(british, american);
  }
  const ise = iseForms.exec(word);
  if (ise) {
    const [, base, vowel, suffix] = ise as unknown as [string, string, string, string];
    const lemma = `${base}${vowel}se`;
    let exception = iseExceptions.has(lemma);
    if (!exception) for (const known of iseExceptions) if (lemma.endsWith(known) && known.length >= 5) exception = true;
    if (!exception) return `${base}${vowel}z${suffix}`;
  }
  return word;
}
