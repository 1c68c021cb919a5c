/**
 * The sentences of a passage that answer a question: an extractive answer quotes those, not the
 * whole passage. Sentences are scored by the question's informative words they contain (with a
 * crude suffix folding, so "refunds" meets "refund"), and the best ones are kept in their order.
 */

const STOPWORDS = new Set(
  'a an and are as at be but by can could do does did for from had has have how i if in into is it its me my of on or our so than that the their them then there these they this to too us was we were what when where which who why will with would you your yours please want need get got'.split(' '),
);

export function informativeWords(text: string): string[] {
  return (text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((word) => !STOPWORDS.has(word) && (word.length > 1 || /\d/.test(word)))
    .map(fold);
}

function fold(word: string): string {
  return word.replace(/(ies|es|s|ing|ed|ly)$/u, (suffix) => (word.length - suffix.length >= 3 ? (suffix === 'ies' ? 'y' : '') : suffix));
}

export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}"'(])|\n+/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

/** The best sentences for the question, at most `maxChars` in all, in the passage's order; never empty for a non-empty passage. */
export function answeringSentences(passage: string, question: string, maxChars = 420): string {
  const sentences = splitSentences(passage);
  if (sentences.length === 0) return passage.trim();
  const wanted = new Set(informativeWords(question));
  const scored = sentences.map((sentence, index) => {
    const words = new Set(informativeWords(sentence));
    let score = 0;
    for (const word of wanted) if (words.has(word)) score += 1;
    return { sentence, index, score };
  });
  const ranked = [...scored].sort((a, b) => b.score - a.score || a.index - b.index);
  const top = ranked[0]!.score;
  const chosen: typeof scored = [];
  let length = 0;
  for (const candidate of ranked) {
    // Beyond the best sentence, only ones nearly as good: a passing mention is not the answer.
    if (chosen.length > 0 && (candidate.score === 0 || candidate.score * 2 <= top || length + candidate.sentence.length > maxChars)) continue;
    chosen.push(candidate);
    length += candidate.sentence.length + 1;
    if (length >= maxChars * 0.6) break;
  }
  // A sentence that follows a chosen one often finishes its thought ("… within 30 days. After that, …").
  const last = chosen.reduce((best, item) => (item.score > best.score ? item : best), chosen[0]!);
  const next = scored[last.index + 1];
  if (next && !chosen.includes(next) && length + next.sentence.length <= maxChars && next.score > 0) chosen.push(next);
  return chosen
    .sort((a, b) => a.index - b.index)
    .map((item) => item.sentence)
    .join(' ');
}
