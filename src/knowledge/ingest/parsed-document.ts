/**
 * What every parser returns: a document's title and its sections, as plain text. The chunker
 * (chunk-document.ts) cuts sections into passages; a passage never spans two sections.
 */

/** One stretch of a document under one heading path. */
export interface ParsedSection {
  /** The headings above the text, outermost first; empty before the first heading. */
  readonly headingPath: readonly string[];
  /** Plain text: no markup, entities decoded, spaces collapsed; blocks (paragraphs, list items, table rows) on their own lines. */
  readonly text: string;
}

export interface ParsedDocument {
  readonly title: string;
  readonly sections: readonly ParsedSection[];
  /** Tags the document names itself (Markdown front matter `tags`). */
  readonly tags?: readonly string[];
  /** Where a reader can open the document (Markdown front matter `link`). */
  readonly link?: string;
  /** Each section is one passage, never split or merged (a CSV question and its answer). */
  readonly atomicSections?: boolean;
}

/** Turns bytes into a parsed document; `source` names the file in error messages and titles. */
export type DocumentParser = (bytes: Buffer, source: string) => ParsedDocument | Promise<ParsedDocument>;

/** UTF-8 text without a byte-order mark, with `\r\n` and `\r` as `\n`. */
export function decodeText(bytes: Buffer): string {
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/**
 * Text every store accepts: no NUL or other control characters but tab and line feed, and no lone
 * surrogates (SQLite would change them, PostgreSQL refuses NUL).
 */
export function storableText(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F]|[\uD800-\uDFFF]/gu, '');
}

/** Collapses runs of white space (including no-break spaces) to one space and trims. */
export function collapseSpaces(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

/** Tidies a section's text: spaces collapsed within each line, no empty lines, no blank ends. */
export function tidyLines(lines: readonly string[]): string {
  return lines
    .map(collapseSpaces)
    .filter((line) => line.length > 0)
    .join('\n');
}

/** The last segment of a path or URL path, without its extension. */
export function baseName(source: string): string {
  const path = source.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  const dot = last.lastIndexOf('.');
  return dot > 0 ? last.slice(0, dot) : last;
}

/**
 * A readable title from a file name: `returns-and-refunds` → "Returns and refunds",
 * `faq` → "Frequently asked questions", a short all-capitals name stays as it is (`FAQ`, `GDPR`).
 */
export function humanizeFileName(source: string): string {
  const name = safeDecode(baseName(source));
  if (/^faqs?$/i.test(name)) return 'Frequently asked questions';
  if (/^[A-Z0-9]{2,6}$/.test(name)) return name;
  const words = collapseSpaces(name.replace(/[-_.]+/g, ' '));
  if (words.length === 0) return source;
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Builds sections from a stream of headings and lines. A heading of level n closes the
 * headings of level n and deeper; text lines go to the section of the current heading path.
 */
export class SectionBuilder {
  readonly #sections: ParsedSection[] = [];
  readonly #stack: { level: number; text: string }[] = [];
  #lines: string[] = [];

  heading(level: number, text: string): void {
    this.#flush();
    while (this.#stack.length > 0 && this.#stack[this.#stack.length - 1]!.level >= level) this.#stack.pop();
    const heading = collapseSpaces(text);
    if (heading.length > 0) this.#stack.push({ level, text: heading });
  }

  line(text: string): void {
    this.#lines.push(text);
  }

  /** The sections with text; headings with no text under them leave no section. */
  finish(): ParsedSection[] {
    this.#flush();
    return this.#sections;
  }

  #flush(): void {
    const text = tidyLines(this.#lines);
    this.#lines = [];
    if (text.length === 0) return;
    this.#sections.push({ headingPath: this.#stack.map((heading) => heading.text), text });
  }
}

/** A parse failure with what was wrong and where (`source:line`). */
export class KnowledgeParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KnowledgeParseError';
  }
}
