import type { KnowledgeChunk } from '../../core/index.js';
import { humanizeFileName, storableText, type ParsedDocument } from './parsed-document.js';
import { countWords, splitSentences } from './sentences.js';

export interface ChunkOptions {
  /** The document's source (path relative to the knowledge folder, or URL): chunk ids are `<source>#<position>`. */
  readonly source: string;
  /** Where a reader can open the document; defaults to the document's own (front matter) link, else null. */
  readonly link?: string | null;
  /** Tags for every chunk (the folder's); the document's own tags are added. */
  readonly tags?: readonly string[];
  /** About how many words a piece of a long section gets. */
  readonly targetWords?: number;
  /** No chunk has more words than this (a section up to this long stays whole). */
  readonly maxWords?: number;
  /** Words carried over from the end of a chunk to the start of the next one of the same section. */
  readonly overlapWords?: number;
}

/** The heading path separator in `KnowledgeChunk.section`. */
export const SECTION_SEPARATOR = ' › ';

/**
 * Cuts a parsed document into passages. A passage never spans two sections. A section of at most
 * `maxWords` words is one passage; a longer one is cut at sentence boundaries into passages of
 * about `targetWords` words (never more than `maxWords`), each starting with the last whole
 * sentences, at most `overlapWords` words, of the one before (or, when its last sentence is
 * longer than that, that sentence's last `overlapWords` words), so a fact cut in two is still
 * whole in one of them. A sentence longer than `maxWords − overlapWords` is cut into runs of
 * `targetWords` words (at most `maxWords − overlapWords`). A document with atomic sections (CSV questions) gets one passage per
 * section, whatever its length. The text holds the section's own words only: its headings are in
 * `section` (joined with " › "), its title in `title`. Control characters and lone surrogates are
 * dropped (storableText).
 */
export function chunkDocument(parsed: ParsedDocument, options: ChunkOptions): KnowledgeChunk[] {
  const targetWords = options.targetWords ?? 120;
  const maxWords = options.maxWords ?? 220;
  const overlapWords = options.overlapWords ?? 30;
  if (!(targetWords >= 1 && maxWords >= targetWords && overlapWords >= 0 && overlapWords < targetWords)) {
    throw new RangeError(`chunk sizes need 1 ≤ targetWords (${targetWords}) ≤ maxWords (${maxWords}) and 0 ≤ overlapWords (${overlapWords}) < targetWords`);
  }
  const title = storableText(parsed.title) || humanizeFileName(options.source);
  const linkOption = options.link !== undefined ? options.link : (parsed.link ?? null);
  const link = linkOption === null ? null : storableText(linkOption);
  const tags = [...new Set([...(options.tags ?? []), ...(parsed.tags ?? [])].map(storableText).filter(Boolean))];

  const chunks: KnowledgeChunk[] = [];
  for (const section of parsed.sections) {
    const sectionText = storableText(section.text).trim();
    if (!sectionText) continue;
    const headingPath = section.headingPath.map(storableText).filter(Boolean);
    const pieces = parsed.atomicSections || countWords(sectionText) <= maxWords ? [sectionText] : splitSection(sectionText, targetWords, maxWords, overlapWords);
    for (const text of pieces) {
      const position = chunks.length;
      chunks.push({
        id: `${options.source}#${position}`,
        source: options.source,
        title,
        section: headingPath.length > 0 ? headingPath.join(SECTION_SEPARATOR) : null,
        position,
        text,
        link,
        tags,
      });
    }
  }
  return chunks;
}

/** A sentence (or a run of words of a very long one); `newLine` when it starts a line of the section. */
interface Unit {
  readonly text: string;
  readonly words: number;
  readonly newLine: boolean;
}

function splitSection(text: string, targetWords: number, maxWords: number, overlapWords: number): string[] {
  const longest = maxWords - overlapWords;
  const units: Unit[] = [];
  for (const line of text.split('\n')) {
    splitSentences(line).forEach((sentence, index) => {
      const words = sentence.split(/\s+/);
      if (words.length <= longest) {
        units.push({ text: sentence, words: words.length, newLine: index === 0 });
        return;
      }
      const runWords = Math.min(targetWords, longest);
      for (let start = 0; start < words.length; start += runWords) {
        const run = words.slice(start, start + runWords);
        units.push({ text: run.join(' '), words: run.length, newLine: index === 0 && start === 0 });
      }
    });
  }

  // wordsAfter[i]: the words of units i and later.
  const wordsAfter = new Array<number>(units.length + 1).fill(0);
  for (let index = units.length - 1; index >= 0; index -= 1) wordsAfter[index] = wordsAfter[index + 1]! + units[index]!.words;

  const pieces: string[] = [];
  let current: Unit[] = [];
  let currentWords = 0;
  let next = 0;
  while (next < units.length) {
    let added = 0;
    while (next < units.length) {
      const unit = units[next]!;
      if (added > 0 && currentWords + unit.words > maxWords) break;
      current.push(unit);
      currentWords += unit.words;
      next += 1;
      added += 1;
      // Past the target: stop, unless the rest of the section fits in this passage too.
      if (currentWords >= targetWords && currentWords + wordsAfter[next]! > maxWords) break;
    }
    pieces.push(joinUnits(current));
    if (next >= units.length) break;
    current = overlap(current, overlapWords);
    currentWords = current.reduce((sum, unit) => sum + unit.words, 0);
  }
  return pieces;
}

/** The last whole sentences of a passage, at most `overlapWords` words; else the last words of its last sentence. */
function overlap(units: readonly Unit[], overlapWords: number): Unit[] {
  if (overlapWords === 0) return [];
  const carried: Unit[] = [];
  let words = 0;
  for (let index = units.length - 1; index > 0; index -= 1) {
    const unit = units[index]!;
    if (words + unit.words > overlapWords) break;
    carried.unshift(unit);
    words += unit.words;
  }
  if (carried.length > 0) return carried;
  const last = units[units.length - 1]!.text.split(/\s+/);
  const count = Math.min(overlapWords, last.length - 1);
  if (count <= 0) return [];
  const tail = last.slice(last.length - count);
  return [{ text: tail.join(' '), words: tail.length, newLine: false }];
}

function joinUnits(units: readonly Unit[]): string {
  return units.map((unit, index) => (index === 0 ? unit.text : unit.newLine ? `\n${unit.text}` : ` ${unit.text}`)).join('');
}
