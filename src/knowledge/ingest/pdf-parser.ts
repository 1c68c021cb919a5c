import { KnowledgeParseError, SectionBuilder, collapseSpaces, humanizeFileName, type ParsedDocument } from './parsed-document.js';

/**
 * PDF text with pdfjs-dist (the legacy build, which runs on Node). In Node pdfjs never starts a
 * worker thread: it runs its worker code in this thread (a "fake worker" it imports itself), so
 * nothing needs configuring; no fonts are loaded, nothing is evaluated, nothing is rendered.
 *
 * Text items are put back into lines (by baseline) and lines into paragraphs (a gap of more than
 * 1.6 line heights ends a paragraph; a word hyphenated across lines is joined). The body size is
 * the font size most characters have; a short line (at most 15 words) at least 15 % larger is a
 * heading, and larger sizes are higher levels, so sections follow the headings across pages. A
 * PDF without such headings gets one section per page ("Page 1", "Page 2", …). The title is the
 * document information `Title`, else the first line.
 */
export async function parsePdf(bytes: Buffer, source: string): Promise<ParsedDocument> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
  });
  const lines: PdfLine[] = [];
  let infoTitle = '';
  let pageCount: number;
  try {
    const document = await task.promise;
    pageCount = document.numPages;
    const metadata = await document.getMetadata().catch(() => null);
    const info = metadata?.info as { Title?: unknown } | undefined;
    if (typeof info?.Title === 'string') infoTitle = collapseSpaces(info.Title);
    for (let number = 1; number <= document.numPages; number += 1) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      lines.push(...pageLines(content.items, number));
      page.cleanup();
    }
  } catch (error) {
    throw new KnowledgeParseError(`${source}: not a readable PDF (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    await task.destroy();
  }
  return linesToDocument(lines, pageCount, infoTitle, source);
}

interface PdfLine {
  readonly page: number;
  text: string;
  readonly size: number;
  readonly y: number;
  endX: number;
}

interface TextItemLike {
  readonly str: string;
  readonly transform: readonly number[];
  readonly width: number;
}

function pageLines(items: readonly object[], page: number): PdfLine[] {
  const lines: PdfLine[] = [];
  let line: PdfLine | null = null;
  for (const raw of items) {
    if (!('str' in raw) || !('transform' in raw)) continue;
    const item = raw as TextItemLike;
    const [, , c = 0, d = 0, x = 0, y = 0] = item.transform;
    const size = Math.hypot(c, d);
    if (!item.str) continue;
    if (line && Math.abs(line.y - y) <= Math.max(line.size, size) * 0.5) {
      const gap = x - line.endX;
      if (gap > size * 0.15 && !line.text.endsWith(' ') && !item.str.startsWith(' ')) line.text += ' ';
      line.text += item.str;
      line.endX = x + item.width;
      continue;
    }
    if (line) lines.push(line);
    line = { page, text: item.str, size, y, endX: x + item.width };
  }
  if (line) lines.push(line);
  return lines
    .map((candidate) => ({ ...candidate, text: collapseSpaces(candidate.text) }))
    .filter((candidate) => candidate.text.length > 0);
}

function linesToDocument(lines: readonly PdfLine[], pageCount: number, infoTitle: string, source: string): ParsedDocument {
  const characters = new Map<number, number>();
  for (const line of lines) {
    const size = Math.round(line.size * 2) / 2;
    characters.set(size, (characters.get(size) ?? 0) + line.text.length);
  }
  const bodySize = [...characters.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
  const isHeading = (line: PdfLine) => bodySize > 0 && line.size >= bodySize * 1.15 && line.text.split(' ').length <= 15;
  const headingSizes = [...new Set(lines.filter(isHeading).map((line) => Math.round(line.size * 2) / 2))].sort((a, b) => b - a);
  const title = infoTitle || lines[0]?.text || humanizeFileName(source);

  const builder = new SectionBuilder();
  let paragraph: string[] = [];
  let previous: PdfLine | null = null;
  const endParagraph = () => {
    if (paragraph.length > 0) builder.line(joinLines(paragraph));
    paragraph = [];
  };
  if (headingSizes.length === 0) {
    for (let page = 1; page <= pageCount; page += 1) {
      builder.heading(1, `Page ${page}`);
      previous = null;
      for (const line of lines.filter((candidate) => candidate.page === page)) {
        if (previous && previous.y - line.y > Math.max(previous.size, line.size) * 1.6) endParagraph();
        paragraph.push(line.text);
        previous = line;
      }
      endParagraph();
    }
    return { title, sections: builder.finish() };
  }
  for (const line of lines) {
    if (isHeading(line)) {
      endParagraph();
      if (line.text.toLowerCase() !== title.toLowerCase()) {
        builder.heading(headingSizes.indexOf(Math.round(line.size * 2) / 2) + 1, line.text);
      }
      previous = null;
      continue;
    }
    if (previous && (previous.page !== line.page || previous.y - line.y > Math.max(previous.size, line.size) * 1.6)) endParagraph();
    paragraph.push(line.text);
    previous = line;
  }
  endParagraph();
  return { title, sections: builder.finish() };
}

/** A paragraph's lines as one line; "exam-" + "ple" is "example". */
function joinLines(lines: readonly string[]): string {
  let text = '';
  for (const line of lines) {
    if (/\p{L}-$/u.test(text) && /^\p{Ll}/u.test(line)) text = text.slice(0, -1) + line;
    else text = text ? `${text} ${line}` : line;
  }
  return text;
}
