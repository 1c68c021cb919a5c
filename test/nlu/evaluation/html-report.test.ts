import { describe, expect, it } from 'vitest';
import { evaluate, renderHtmlReport } from '../../../src/nlu/evaluation/index.js';
import type { EvaluationReport } from '../../../src/nlu/evaluation/index.js';
import { best, fixedScoresClassifier } from './classifier-fixtures.js';

const hostile = '<script>alert("x")</script>';
const meta = { title: 'CLINC150 & friends', dataset: 'clinc150/test.jsonl', model: 'word-overlap <v1>', createdAt: '2025-01-02T03:04:05.000Z' };

function sampleReport(): EvaluationReport {
  const classifier = fixedScoresClassifier(
    {
      'book a table': best('book', 0.9),
      'cancel it': best(hostile, 0.8),
      'a "quoted" <b>text</b> & more': best('book', 0.7),
      'what is love': best('book', 0.2),
      'play music': best(hostile, 0.6),
    },
    0.5,
  );
  return evaluate(classifier, [
    { text: 'book a table', intent: 'book' },
    { text: 'cancel it', intent: hostile },
    { text: 'a "quoted" <b>text</b> & more', intent: hostile },
    { text: 'what is love', intent: 'oos' },
    { text: 'play music', intent: 'oos' },
  ]);
}

const voidElements = new Set(['meta', 'link', 'br', 'hr', 'img', 'input', 'col', 'area', 'base', 'wbr', 'source', 'track', 'embed']);

/** Checks that every element is closed in order (enough to catch broken markup from unescaped data). */
function unbalancedTags(html: string): string[] {
  const stack: string[] = [];
  const problems: string[] = [];
  const body = html.replace(/<!doctype html>/i, '').replace(/<style>[\s\S]*?<\/style>/, '');
  for (const match of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^<>]*?(\/?)>/g)) {
    const [, closing, rawName, selfClosing] = match;
    const name = rawName!.toLowerCase();
    if (selfClosing || voidElements.has(name)) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) problems.push(`unexpected </${name}>`);
  }
  if (stack.length > 0) problems.push(`unclosed ${stack.join(', ')}`);
  // Any other "<" or ">" outside a tag means text was not escaped.
  const outsideTags = body.replace(/<\/?[a-zA-Z][a-zA-Z0-9-]*\b[^<>]*?\/?>/g, '');
  if (/[<>]/.test(outsideTags)) problems.push('a stray < or > in the text');
  return problems;
}

describe('renderHtmlReport', () => {
  const report = sampleReport();
  const html = renderHtmlReport(report, meta);

  it('is one well-formed page', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(unbalancedTags(html)).toEqual([]);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html.match(/<\/svg>/g)).toHaveLength(2);
  });

  it('escapes intent names, examples and meta', () => {
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('a &quot;quoted&quot; &lt;b&gt;text&lt;/b&gt; &amp; more');
    expect(html).toContain('<title>CLINC150 &amp; friends</title>');
    expect(html).toContain('word-overlap &lt;v1&gt;');
    expect(html).toContain('2025-01-02T03:04:05.000Z');
  });

  it('loads nothing from anywhere: no script, link, image, font or URL', () => {
    for (const forbidden of ['http://', 'https://', '//', '<script', '<link', '<img', 'src=', 'href=', 'url(', '@import', '@font-face']) {
      expect(html.includes(forbidden), forbidden).toBe(false);
    }
  });

  it('draws the threshold sweep with the classifier threshold marked', () => {
    const sweep = html.slice(html.indexOf('<svg class="chart sweep-chart"'), html.indexOf('</svg>'));
    expect(sweep).toContain('class="series series-in-scope"');
    expect(sweep).toContain('class="series series-oos-recall"');
    expect(sweep).toContain('class="series series-oos-precision"');
    expect(sweep).toContain('<g class="model-threshold">');
    expect(sweep).toContain('threshold 0.5');
    // 21 swept thresholds, one point each on the in-scope accuracy line.
    const path = /class="series series-in-scope" d="([^"]+)"/.exec(sweep)![1]!;
    expect(path.match(/[ML]/g)).toHaveLength(21);
  });

  it('draws one F1 bar per intent, worst first', () => {
    const chart = html.slice(html.indexOf('<svg class="chart f1-chart"'));
    const labels = [...chart.matchAll(/<text class="bar-label"[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);
    // The hostile intent: 1 of 2 predictions right (P 1/2), 1 of 2 items found (R 1/2): F1 0.5.
    // book: 1 of 2 predictions right (P 1/2), its one item found (R 1): F1 2/3.
    expect(labels).toEqual(['&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;', 'book']);
    expect(chart).toContain('>0.50</text>');
    expect(chart).toContain('>0.67</text>');
  });

  it('has the per-intent and confused-pair tables', () => {
    expect(html).toContain('<table class="per-intent">');
    expect(html).toContain('<table class="confused-pairs">');
    const pairs = html.slice(html.indexOf('<table class="confused-pairs">'));
    expect(pairs).toContain('<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td><td>book</td><td class="number">1</td>');
  });

  it('shows n/a for oos numbers when the test data hold no oos item', () => {
    const inScopeOnly = evaluate(fixedScoresClassifier({ a: best('book', 0.9), b: best('cancel', 0.9) }, 0.5), [
      { text: 'a', intent: 'book' },
      { text: 'b', intent: 'cancel' },
    ]);
    const page = renderHtmlReport(inScopeOnly, { ...meta, createdAt: new Date('2025-02-03T00:00:00Z') });
    expect(page).toContain('<dt>OOS recall</dt><dd>n/a</dd>');
    expect(page).toContain('2025-02-03T00:00:00.000Z');
    expect(page).toContain('No mistakes.');
    expect(unbalancedTags(page)).toEqual([]);
  });
});
