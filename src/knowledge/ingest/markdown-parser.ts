import { parse as parseYaml } from 'yaml';
import { stripInlineMarkdown } from './markdown-inline.js';
import { KnowledgeParseError, SectionBuilder, collapseSpaces, decodeText, humanizeFileName, type ParsedDocument } from './parsed-document.js';

/**
 * Markdown to sections. Headings (`#`…`######` and setext `===`/`---` underlines) make the
 * heading path; a document's only `#` heading, when it comes first, is its title rather than a
 * section. Paragraphs (soft-wrapped lines joined), list items and table rows (cells joined with
 * " | ", the delimiter row dropped) are lines of text; fenced code is kept as text, line by line;
 * inline markup is stripped (markdown-inline.ts). YAML front matter (`---` … `---`) may give
 * `title`, `tags` (a list or a comma-separated string) and `link`.
 */
export function parseMarkdown(bytes: Buffer, source: string): ParsedDocument {
  const { body, frontMatter } = splitFrontMatter(decodeText(bytes), source);
  const blocks = markdownBlocks(body.split('\n'));

  const headings = blocks.filter((block): block is HeadingBlock => block.kind === 'heading');
  const h1s = headings.filter((heading) => heading.level === 1);
  const documentHeading = h1s.length === 1 && headings[0] === h1s[0] ? h1s[0] : undefined;

  const builder = new SectionBuilder();
  for (const block of blocks) {
    if (block === documentHeading) continue;
    if (block.kind === 'heading') builder.heading(block.level, block.text);
    else builder.line(block.text);
  }
  const title = frontMatter.title ?? documentHeading?.text ?? headings[0]?.text ?? humanizeFileName(source);
  return {
    title,
    sections: builder.finish(),
    ...(frontMatter.tags ? { tags: frontMatter.tags } : {}),
    ...(frontMatter.link ? { link: frontMatter.link } : {}),
  };
}

interface HeadingBlock {
  readonly kind: 'heading';
  readonly level: number;
  readonly text: string;
}
type Block = HeadingBlock | { readonly kind: 'line'; readonly text: string };

interface FrontMatter {
  title?: string;
  tags?: string[];
  link?: string;
}

function splitFrontMatter(text: string, source: string): { body: string; frontMatter: FrontMatter } {
  const match = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(text);
  if (!match) return { body: text, frontMatter: {} };
  let data: unknown;
  try {
    data = parseYaml(match[1] ?? '');
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new KnowledgeParseError(`${source}:${line === undefined ? 1 : line + 1}: the front matter is not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const frontMatter: FrontMatter = {};
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const record = data as Record<string, unknown>;
    if (typeof record.title === 'string' && record.title.trim()) frontMatter.title = collapseSpaces(record.title);
    if (typeof record.link === 'string' && record.link.trim()) frontMatter.link = record.link.trim();
    const tags = Array.isArray(record.tags) ? record.tags : typeof record.tags === 'string' ? record.tags.split(',') : [];
    const cleaned = tags.filter((tag): tag is string | number => typeof tag === 'string' || typeof tag === 'number').map((tag) => collapseSpaces(String(tag))).filter(Boolean);
    if (cleaned.length > 0) frontMatter.tags = [...new Set(cleaned)];
  }
  return { body: text.slice(match[0].length), frontMatter };
}

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^\s*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?(.*)$/;
const BLOCKQUOTE = /^ {0,3}>[ \t]?/;
const LINK_DEFINITION = /^ {0,3}\[[^\]]+\]:[ \t]*\S+/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;

function markdownBlocks(lines: readonly string[]): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let paragraphIsListItem = false;
  let fence: { marker: string } | null = null;
  let inTable = false;
  let inComment = false;

  const flush = () => {
    const text = collapseSpaces(stripInlineMarkdown(paragraph.join(' ')));
    if (text) blocks.push({ kind: 'line', text });
    paragraph = [];
    paragraphIsListItem = false;
  };

  for (let index = 0; index < lines.length; index += 1) {
    const raw = lines[index] ?? '';
    if (fence) {
      const close = FENCE.exec(raw);
      if (close && close[1]!.startsWith(fence.marker) && raw.trim() === close[1]) fence = null;
      else if (raw.trim()) blocks.push({ kind: 'line', text: raw });
      continue;
    }
    if (inComment) {
      if (raw.includes('-->')) inComment = false;
      continue;
    }
    const line = raw.replace(BLOCKQUOTE, '').replace(BLOCKQUOTE, '');
    if (!line.trim()) {
      flush();
      inTable = false;
      continue;
    }
    const open = FENCE.exec(line);
    if (open) {
      flush();
      fence = { marker: open[1]!.charAt(0).repeat(open[1]!.length) };
      continue;
    }
    if (/^\s*<!--/.test(line) && !line.includes('-->')) {
      flush();
      inComment = true;
      continue;
    }
    const atx = ATX_HEADING.exec(line);
    if (atx) {
      flush();
      blocks.push({ kind: 'heading', level: atx[1]!.length, text: collapseSpaces(stripInlineMarkdown(atx[2] ?? '')) });
      continue;
    }
    const setext = SETEXT_UNDERLINE.exec(line);
    if (setext && paragraph.length > 0 && !paragraphIsListItem && !inTable) {
      const text = collapseSpaces(stripInlineMarkdown(paragraph.join(' ')));
      paragraph = [];
      blocks.push({ kind: 'heading', level: setext[1]!.startsWith('=') ? 1 : 2, text });
      continue;
    }
    if (THEMATIC_BREAK.test(line)) {
      flush();
      continue;
    }
    if (inTable || isTableStart(line, lines[index + 1] ?? '')) {
      if (!inTable) flush();
      inTable = true;
      if (TABLE_DELIMITER.test(line) && line.includes('-')) continue;
      if (!line.includes('|')) {
        inTable = false;
      } else {
        const row = tableCells(line).map((cell) => collapseSpaces(stripInlineMarkdown(cell)));
        if (row.some(Boolean)) blocks.push({ kind: 'line', text: row.join(' | ') });
        continue;
      }
    }
    if (LINK_DEFINITION.test(line)) continue;
    const item = LIST_ITEM.exec(line);
    if (item) {
      flush();
      paragraph.push(item[1] ?? '');
      paragraphIsListItem = true;
      continue;
    }
    paragraph.push(line.replace(/ {2,}$|\\$/, ''));
  }
  flush();
  return blocks;
}

/** A header row followed by a delimiter row of as many columns (`|---|:--:|`). */
function isTableStart(line: string, next: string): boolean {
  return line.includes('|') && next.includes('-') && TABLE_DELIMITER.test(next) && tableCells(line).length === tableCells(next).length;
}

/** A table row's cells: split on pipes that are not escaped or inside code, outer pipes dropped. */
function tableCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (char === '\\' && line[index + 1] === '|') {
      cell += '|';
      index += 1;
    } else if (char === '`') {
      inCode = !inCode;
      cell += char;
    } else if (char === '|' && !inCode) {
      cells.push(cell);
      cell = '';
    } else {
      cell += char;
    }
  }
  cells.push(cell);
  if (cells.length > 1 && !cells[0]!.trim()) cells.shift();
  if (cells.length > 1 && !cells[cells.length - 1]!.trim()) cells.pop();
  return cells.map((text) => text.trim());
}
