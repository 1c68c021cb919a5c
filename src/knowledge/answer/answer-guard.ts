/**
 * Checks an LLM's answer before anyone sees it as final: it must cite at least one of the passages
 * it was given and nothing else, and it must not repeat the system prompt (six words in a row
 * from it are a leak). Citation markers are removed from the text; the citations travel separately.
 */

export type GuardResult = { readonly ok: true; readonly text: string; readonly cited: number[] } | { readonly ok: false; readonly problem: string };

const CITATION = /\[(\d+(?:\s*,\s*\d+)*)\]/g;
const LEAK_WORDS = 6;

export function checkGeneratedAnswer(answer: string, passageCount: number, systemPrompt: string, options: { partial?: boolean } = {}): GuardResult {
  if (leaks(answer, systemPrompt)) return { ok: false, problem: 'it repeats the system prompt' };
  if (options.partial) return { ok: true, text: answer, cited: [] };
  const cited = new Set<number>();
  for (const match of answer.matchAll(CITATION)) {
    for (const part of match[1]!.split(',')) {
      const index = Number(part.trim());
      if (index < 1 || index > passageCount) return { ok: false, problem: `it cites [${index}], which is not one of the ${passageCount} passages` };
      cited.add(index);
    }
  }
  if (cited.size === 0) return { ok: false, problem: 'it cites no passage' };
  const text = answer.replace(CITATION, '').replace(/\s+([.,;:!?])/g, '$1').replace(/[ \t]{2,}/g, ' ').trim();
  if (text === '') return { ok: false, problem: 'it is empty' };
  return { ok: true, text, cited: [...cited].sort((a, b) => a - b) };
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
}

function leaks(answer: string, systemPrompt: string): boolean {
  const prompt = words(systemPrompt);
  if (prompt.length < LEAK_WORDS) return false;
  const windows = new Set<string>();
  for (let index = 0; index + LEAK_WORDS <= prompt.length; index += 1) windows.add(prompt.slice(index, index + LEAK_WORDS).join(' '));
  const said = words(answer);
  for (let index = 0; index + LEAK_WORDS <= said.length; index += 1) if (windows.has(said.slice(index, index + LEAK_WORDS).join(' '))) return true;
  return false;
}
