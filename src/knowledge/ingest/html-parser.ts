import { DomUtils, ElementType, parseDocument } from 'htmlparser2';
import { SectionBuilder, collapseSpaces, decodeText, humanizeFileName, type ParsedDocument } from './parsed-document.js';

type HtmlDocument = ReturnType<typeof parseDocument>;
type HtmlNode = HtmlDocument['children'][number];
type HtmlElement = ReturnType<typeof DomUtils.findAll>[number];

/**
 * HTML to sections, with htmlparser2 (entities decoded by the parser). Only the page's content
 * counts: the `<main>` element (or `role="main"`) when there is one, else the body; `script`,
 * `style`, `nav`, `aside`, `noscript`, `template`, forms' controls, hidden elements and
 * `role="navigation"` are dropped everywhere, and so are `header` and `footer` outside an
 * `article`/`section`/`main` (the site's banner and footer). `h1`–`h6` make the heading path (a
 * page's only `h1`, when it is the first heading, is its title rather than a section); block
 * elements and `<br>` end lines; a table row becomes one line, cells joined with " | ".
 * Title: `<title>` without a trailing " | Site name", else the first `h1`, else the file name.
 */
export function parseHtml(bytes: Buffer, source: string): ParsedDocument {
  const document = parseDocument(decodeText(bytes), { lowerCaseTags: true, lowerCaseAttributeNames: true });
  const main = DomUtils.findOne((element) => element.name === 'main' || attribute(element, 'role') === 'main', document.children);
  const body = DomUtils.findOne((element) => element.name === 'body', document.children);
  const root: HtmlNode[] = main ? [main] : body ? body.children : document.children;

  const headings = DomUtils.findAll((element) => HEADING.test(element.name) && !isDropped(element, true), root);
  const h1s = headings.filter((heading) => heading.name === 'h1');
  const documentHeading = h1s.length === 1 && headings[0] === h1s[0] ? h1s[0] : undefined;

  const walker = new HtmlWalker(documentHeading);
  for (const node of root) walker.walk(node, { pre: false, inContent: main !== null });
  const sections = walker.finish();

  const titleElement = DomUtils.findOne((element) => element.name === 'title', document.children);
  const pageTitle = titleElement ? collapseSpaces(DomUtils.textContent(titleElement)).replace(/\s+\|\s+[^|]*$/, '') : '';
  const firstH1 = h1s[0] ? collapseSpaces(DomUtils.textContent(h1s[0])) : '';
  return { title: pageTitle || firstH1 || humanizeFileName(source), sections };
}

const HEADING = /^h[1-6]$/;
const DROPPED = new Set(['script', 'style', 'nav', 'aside', 'noscript', 'template', 'head', 'title', 'svg', 'canvas', 'iframe', 'object', 'button', 'select', 'option', 'textarea', 'dialog']);
const DROPPED_ROLES = new Set(['navigation', 'search', 'banner', 'contentinfo', 'complementary']);
const SECTIONING = new Set(['article', 'section', 'main']);
const BLOCK = new Set([
  'address', 'article', 'blockquote', 'body', 'caption', 'dd', 'details', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header',
  'hr', 'legend', 'li', 'main', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'thead', 'tfoot', 'ul',
]);

function attribute(element: HtmlElement, name: string): string | undefined {
  return element.attribs[name];
}

function isElement(node: HtmlNode): node is HtmlElement {
  return node.type === ElementType.Tag || node.type === ElementType.Script || node.type === ElementType.Style;
}

/** Whether an element and everything in it is boilerplate; `inContent` is true inside main, article or section. */
function isDropped(element: HtmlElement, inContent: boolean): boolean {
  if (DROPPED.has(element.name)) return true;
  if (element.attribs.hidden !== undefined || attribute(element, 'aria-hidden') === 'true') return true;
  const role = attribute(element, 'role');
  if (role !== undefined && DROPPED_ROLES.has(role)) return true;
  return !inContent && (element.name === 'header' || element.name === 'footer');
}

interface WalkContext {
  readonly pre: boolean;
  readonly inContent: boolean;
}

class HtmlWalker {
  readonly #builder = new SectionBuilder();
  readonly #documentHeading: HtmlElement | undefined;
  #line = '';

  constructor(documentHeading: HtmlElement | undefined) {
    this.#documentHeading = documentHeading;
  }

  walk(node: HtmlNode, context: WalkContext): void {
    if (node.type === ElementType.Text) {
      if (!context.pre) {
        this.#line += node.data;
        return;
      }
      const [first, ...rest] = node.data.split('\n');
      this.#line += first ?? '';
      for (const line of rest) {
        this.#endLine();
        this.#line = line;
      }
      return;
    }
    if (node.type === ElementType.CDATA) {
      for (const child of node.children) this.walk(child, context);
      return;
    }
    if (!isElement(node) || isDropped(node, context.inContent)) return;
    const name = node.name;
    if (HEADING.test(name)) {
      this.#endLine();
      if (node !== this.#documentHeading) this.#builder.heading(Number(name.slice(1)), DomUtils.textContent(node));
      return;
    }
    if (name === 'br') {
      this.#endLine();
      return;
    }
    if (name === 'table') {
      this.#table(node, context);
      return;
    }
    const block = BLOCK.has(name);
    if (block) this.#endLine();
    const inner: WalkContext = {
      pre: context.pre || name === 'pre' || name === 'textarea',
      inContent: context.inContent || SECTIONING.has(name),
    };
    for (const child of node.children) this.walk(child, inner);
    if (block) this.#endLine();
    else if (name === 'td' || name === 'th') this.#line += ' ';
  }

  finish() {
    this.#endLine();
    return this.#builder.finish();
  }

  /** One line per row: the cells' text joined with " | "; a caption is a line of its own. */
  #table(table: HtmlElement, context: WalkContext): void {
    this.#endLine();
    const rows = DomUtils.findAll((element) => element.name === 'tr' || element.name === 'caption', table.children);
    for (const row of rows) {
      if (row.name === 'caption') {
        this.#builder.line(collapseSpaces(DomUtils.textContent(row)));
        continue;
      }
      const cells = row.children.filter(isElement).filter((cell) => (cell.name === 'td' || cell.name === 'th') && !isDropped(cell, context.inContent));
      const texts = cells.map((cell) => collapseSpaces(this.#inlineText(cell, context)));
      if (texts.some(Boolean)) this.#builder.line(texts.join(' | '));
    }
  }

  /** A cell's text, with the same dropping rules, line breaks as spaces. */
  #inlineText(element: HtmlElement, context: WalkContext): string {
    let text = '';
    const visit = (node: HtmlNode) => {
      if (node.type === ElementType.Text) text += node.data;
      else if (isElement(node) && !isDropped(node, context.inContent)) {
        if (node.name === 'br' || BLOCK.has(node.name)) text += ' ';
        for (const child of node.children) visit(child);
        if (BLOCK.has(node.name)) text += ' ';
      }
    };
    for (const child of element.children) visit(child);
    return text;
  }

  #endLine(): void {
    if (this.#line.trim()) this.#builder.line(this.#line);
    this.#line = '';
  }
}
