import { SectionBuilder, collapseSpaces, decodeText, humanizeFileName, type ParsedDocument } from './parsed-document.js';

/**
 * Plain text to sections. The first non-empty line is the title. Blocks are separated by blank
 * lines. A block of one line starts a new section (one level, no nesting) when it
 * - is in capitals ("OUR STORES"), at most 80 characters, or
 * - ends with a colon and has at most 8 words ("Opening hours:"; the colon is dropped), or
 * - has at most 8 words, starts with a capital or a digit, has no final punctuation, and another
 *   block follows it ("Collecting your order"), or
 * - is underlined by a line of `=`, `-` or `~` characters.
 * Inside a block, wrapped lines are joined with a space; a line that is indented, follows an
 * indented one, or starts with a list marker (`-`, `*`, `•`, `1.`) begins a new line, without its
 * marker.
 */
export function parseText(bytes: Buffer, source: string): ParsedDocument {
  const lines = decodeText(bytes).split('\n').map((line) => line.replace(/\s+$/, ''));
  const titleIndex = lines.findIndex((line) => line.trim().length > 0);
  const title = titleIndex >= 0 ? collapseSpaces(lines[titleIndex]!) : '';
  const blocks = splitBlocks(lines.slice(titleIndex + 1));

  const builder = new SectionBuilder();
  blocks.forEach((block, index) => {
    const heading = headingOf(block, index < blocks.length - 1);
    if (heading !== null) {
      builder.heading(1, heading);
      return;
    }
    for (const line of joinWrappedLines(block)) builder.line(line);
  });
  return { title: title || humanizeFileName(source), sections: builder.finish() };
}

function splitBlocks(lines: readonly string[]): string[][] {
  const blocks: string[][] = [];
  let block: string[] = [];
  for (const line of lines) {
    if (line.trim()) {
      block.push(line);
    } else if (block.length > 0) {
      blocks.push(block);
      block = [];
    }
  }
  if (block.length > 0) blocks.push(block);
  // "Heading" over "=====" is a heading block followed by its text.
  return blocks.flatMap((lines) => (lines.length > 2 && UNDERLINE.test(lines[1]!) ? [lines.slice(0, 2), lines.slice(2)] : [lines]));
}

const UNDERLINE = /^\s*(?:={3,}|-{3,}|~{3,})\s*$/;
const LIST_MARKER = /^\s*(?:[-*•‣◦+]|\d{1,3}[.)])\s+/;

function headingOf(block: readonly string[], followed: boolean): string | null {
  if (block.length === 2 && UNDERLINE.test(block[1]!)) return collapseSpaces(block[0]!);
  if (block.length !== 1) return null;
  const line = collapseSpaces(block[0]!);
  if (LIST_MARKER.test(block[0]!)) return null;
  const words = line.split(' ').length;
  if (/\p{L}/u.test(line) && !/\p{Ll}/u.test(line) && line.length <= 80) return line;
  if (line.endsWith(':') && words <= 8) return line.slice(0, -1).trim() || null;
  if (followed && words <= 8 && /^[\p{Lu}\p{N}]/u.test(line) && !/[.!?,;:]$/.test(line)) return line;
  return null;
}

function joinWrappedLines(block: readonly string[]): string[] {
  const out: string[] = [];
  let previousIndent = 0;
  for (const line of block) {
    if (UNDERLINE.test(line)) continue;
    const indent = /^\s*/.exec(line)![0].length;
    const startsNewLine = out.length === 0 || LIST_MARKER.test(line) || indent > 0 || indent !== previousIndent;
    previousIndent = indent;
    const text = collapseSpaces(line.replace(LIST_MARKER, ''));
    if (startsNewLine) out.push(text);
    else out[out.length - 1] += ` ${text}`;
  }
  return out;
}
