import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DomUtils, parseDocument } from 'htmlparser2';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Embedder, KnowledgeChunk, KnowledgeStore } from '../../src/core/index.js';
import {
  chunkDocument,
  ingestFile,
  ingestFolder,
  ingestUrl,
  parseKnowledgeFile,
  splitSentences,
  type ParsedDocument,
} from '../../src/knowledge/ingest/index.js';
import { createMemoryStore, openSqliteStore } from '../../src/storage/index.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const demoKnowledge = join(repoRoot, 'bots/shop/knowledge');

async function fixture(name: string): Promise<Buffer> {
  return readFile(join(fixtures, name));
}

function sectionText(parsed: ParsedDocument, ...headingPath: string[]): string {
  const section = parsed.sections.find((candidate) => candidate.headingPath.join(' › ') === headingPath.join(' › '));
  if (!section) throw new Error(`no section ${JSON.stringify(headingPath)} in ${JSON.stringify(parsed.sections.map((s) => s.headingPath))}`);
  return section.text;
}

function words(count: number, prefix: string): string {
  return Array.from({ length: count }, (_value, index) => `${prefix}${index}`).join(' ');
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'parley-kb-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('parsers', () => {
  it('reads Markdown: front matter, nested and setext headings, inline markup stripped, code and tables kept as text', async () => {
    const parsed = await parseKnowledgeFile(await fixture('returns-policy.md'), 'returns-policy.md');
    expect(parsed.title).toBe('Returns policy');
    expect(parsed.tags).toEqual(['returns', 'policy']);
    expect(parsed.link).toBe('https://shop.example/help/returns');
    expect(parsed.sections.map((section) => section.headingPath)).toEqual([[], ['Returning an item'], ['Returning an item', 'Labels'], ['Refund times']]);

    expect(sectionText(parsed)).toBe('You can send almost anything back within 30 days of delivery. This sentence continues on a second line & ends here.');
    expect(sectionText(parsed, 'Returning an item').split('\n')).toEqual([
      'A parcel with a label',
      'Open Orders in your account.',
      'Choose Return next to the item.',
      'Print the label_one and drop it off.',
    ]);
    const labels = sectionText(parsed, 'Returning an item', 'Labels');
    expect(labels).toContain('Labels are free for faulty items.');
    expect(labels).toContain('# not a heading\nprint-label --order 42');
    expect(labels).not.toContain('https://shop.example/faulty');
    expect(sectionText(parsed, 'Refund times').split('\n')).toEqual(['Method | Days', 'Card | 5', 'PayPal | 2', 'Quoted note with *escaped* stars.']);
    const all = parsed.sections.map((section) => section.text).join('\n');
    for (const markup of ['**', '](', '```', '|--', '&amp;', '---']) expect(all).not.toContain(markup);
  });

  it('takes a Markdown title from its only # heading, which is then no section of its own', async () => {
    const parsed = await parseKnowledgeFile(Buffer.from('# Gift cards\n\nIntro.\n\n## Buying\n\nOnline.\n'), 'gift-cards.md');
    expect(parsed.title).toBe('Gift cards');
    expect(parsed.sections).toEqual([
      { headingPath: [], text: 'Intro.' },
      { headingPath: ['Buying'], text: 'Online.' },
    ]);
    const untitled = await parseKnowledgeFile(Buffer.from('Just text.\n'), 'docs/care-guide.MARKDOWN');
    expect(untitled.title).toBe('Care guide');
  });

  it('reads HTML: no navigation, header, footer, aside, scripts or styles; headings, table rows, entities', async () => {
    const parsed = await parseKnowledgeFile(await fixture('shipping-page.html'), 'shipping-page.html');
    expect(parsed.title).toBe('Shipping & delivery');
    expect(parsed.sections.map((section) => section.headingPath)).toEqual([[], ['Prices'], ['Prices', 'Express cut-off'], ['Tracking']]);
    expect(sectionText(parsed)).toBe('We ship to the US and Canada. Delivery takes 3–5 business days.');
    expect(sectionText(parsed, 'Prices').split('\n')).toEqual(['Shipping prices', 'Service | Price', 'Standard | $4.95 or free over $50', 'Express | $14.95']);
    expect(sectionText(parsed, 'Prices', 'Express cut-off').split('\n')).toEqual([
      'Order by 1 pm for same-day dispatch.',
      'Weekends excluded.',
      'Mon–Fri only',
      'Not on holidays — sorry',
    ]);
    expect(sectionText(parsed, 'Tracking')).toBe('Track your parcel with the link in your “Shipped” email.');
    const all = JSON.stringify(parsed);
    for (const boilerplate of ['NAVSCRIPT', 'HEADERLOGO', 'NAVLINK', 'ROLENAV', 'ASIDEPROMO', 'NOSCRIPT', 'FOOTERTEXT', 'color: red', '&nbsp;', '\u00a0']) {
      expect(all).not.toContain(boilerplate);
    }
  });

  it('reads only the <main> of an HTML page that has one, and falls back to its h1 for the title', async () => {
    const html = '<html><body><div class="banner">Sale!</div><main><h1>Care</h1><p>Wash cold.</p></main><p>Cookie notice</p></body></html>';
    const parsed = await parseKnowledgeFile(Buffer.from(html), 'care.htm');
    expect(parsed).toEqual({ title: 'Care', sections: [{ headingPath: [], text: 'Wash cold.' }] });
  });

  it('reads plain text: the first line is the title; capitals, "Heading:" and short lines before a blank line start sections', async () => {
    const parsed = await parseKnowledgeFile(await fixture('store-hours.txt'), 'store-hours.txt');
    expect(parsed.title).toBe('Store hours and locations');
    expect(parsed.sections).toEqual([
      { headingPath: [], text: 'Our stores are open every day except public holidays. Come and visit us.' },
      { headingPath: ['LOCATIONS'], text: 'Main street store\n12 Main Street, Springfield\nHarbour store\n3 Quay Road, Springfield' },
      { headingPath: ['Opening hours'], text: 'Monday to Friday: 9 am to 6 pm\nSaturday: 10 am to 4 pm' },
      { headingPath: ['Parking'], text: 'There is free parking behind the Main street store. The harbour store has paid parking only.' },
    ]);
  });

  it('reads a CSV of questions and answers: quoted commas, doubled quotes, line breaks in a field, CRLF, any column order', async () => {
    const parsed = await parseKnowledgeFile(await fixture('faq.csv'), 'faq.csv');
    expect(parsed.title).toBe('Frequently asked questions');
    expect(parsed.sections).toEqual([
      { headingPath: ['Do you ship abroad?'], text: 'Do you ship abroad?\nYes, to Canada, the UK and the EU.' },
      { headingPath: ['What does "free shipping" mean?'], text: 'What does "free shipping" mean?\nOrders over $50 ship free, within the US.' },
      { headingPath: ['Can I pay later?'], text: 'Can I pay later?\nYes.\nWith Klarna, in three instalments.' },
    ]);
    const reordered = await parseKnowledgeFile(Buffer.from('answer,QUESTION\n"Yes, we do.",Do you gift wrap?\n'), 'shop/GDPR.csv');
    expect(reordered.title).toBe('GDPR');
    expect(reordered.sections).toEqual([{ headingPath: ['Do you gift wrap?'], text: 'Do you gift wrap?\nYes, we do.' }]);
  });

  it('refuses a malformed CSV with the line of the problem', async () => {
    const cases: [string, RegExp][] = [
      ['question,answer\nok?,"yes"\nbroken?,"never closed\n', /bad\.csv:3: a quoted field is never closed/],
      ['question,answer\nok?,yes\ntoo,many,fields\n', /bad\.csv:3: 3 fields where the header has 2/],
      ['question,answer\nsay "hi"?,no\n', /bad\.csv:2: a quote inside a field/],
      ['question,answer\n"a"b,c\n', /bad\.csv:2: text after a closing quote/],
      ['q,a\nx,y\n', /bad\.csv:1: the header must name a "question" and an "answer" column/],
      ['question,answer\n,nothing asked\n', /bad\.csv:2: the question is empty/],
      ['', /bad\.csv:1: the file is empty/],
    ];
    for (const [text, error] of cases) await expect(parseKnowledgeFile(Buffer.from(text), 'bad.csv')).rejects.toThrow(error);
  });

  it('reads a PDF: the information Title, sections from the larger headings, paragraphs as lines', async () => {
    const parsed = await parseKnowledgeFile(await fixture('returns-guide.pdf'), 'guides/returns-guide.pdf');
    expect(parsed.title).toBe('Parley Shop returns guide');
    expect(parsed.sections).toEqual([
      {
        headingPath: ['Returning an item'],
        text:
          'You can return most items within 30 days of delivery. Items must be unused, with their tags and original packaging.\n' +
          'Start a return from your account page (Orders > Return). Print the prepaid label and drop the parcel at any post office.',
      },
      {
        headingPath: ['Refunds'],
        text: 'We refund the original payment method within 5 business days of the parcel reaching our warehouse.\nShipping costs of 5–10 dollars are refunded only for faulty items.',
      },
    ]);
  });

  it('gives a PDF without headings one section per page, titled by its first line', async () => {
    const parsed = await parseKnowledgeFile(await fixture('plain-pages.pdf'), 'plain-pages.pdf');
    expect(parsed.title).toBe('Care instructions for waxed cotton jackets');
    expect(parsed.sections.map((section) => section.headingPath)).toEqual([['Page 1'], ['Page 2']]);
    expect(sectionText(parsed, 'Page 2')).toBe('Re-wax the jacket once a year, in a warm room, with a thin even coat.');
  });

  it('refuses bytes that are not a PDF, and formats it does not read', async () => {
    await expect(parseKnowledgeFile(Buffer.from('%PDF-1.4\nnot really'), 'broken.pdf')).rejects.toThrow(/broken\.pdf: not a readable PDF/);
    await expect(parseKnowledgeFile(Buffer.from('x'), 'notes.docx')).rejects.toThrow(/notes\.docx: not a knowledge file/);
  });
});

describe('chunkDocument', () => {
  const parsed: ParsedDocument = {
    title: 'Returns',
    sections: [
      { headingPath: [], text: 'Intro text.' },
      { headingPath: ['Refunds'], text: 'Refunds take five days.' },
      { headingPath: ['Refunds', 'Cards'], text: 'Card refunds show up on your statement.' },
    ],
    tags: ['policy'],
  };

  it('makes a chunk per short section, never across sections, with ids, positions, section paths, title, tags and link', () => {
    const chunks = chunkDocument(parsed, { source: 'help/returns.md', link: 'https://x.example/returns', tags: ['help'] });
    expect(chunks).toEqual([
      { id: 'help/returns.md#0', source: 'help/returns.md', title: 'Returns', section: null, position: 0, text: 'Intro text.', link: 'https://x.example/returns', tags: ['help', 'policy'] },
      { id: 'help/returns.md#1', source: 'help/returns.md', title: 'Returns', section: 'Refunds', position: 1, text: 'Refunds take five days.', link: 'https://x.example/returns', tags: ['help', 'policy'] },
      {
        id: 'help/returns.md#2',
        source: 'help/returns.md',
        title: 'Returns',
        section: 'Refunds › Cards',
        position: 2,
        text: 'Card refunds show up on your statement.',
        link: 'https://x.example/returns',
        tags: ['help', 'policy'],
      },
    ]);
    expect(chunkDocument({ ...parsed, link: 'https://own.example' }, { source: 'a.md' })[0]!.link).toBe('https://own.example');
    expect(chunkDocument(parsed, { source: 'a.md' })[0]!.link).toBeNull();
  });

  it('cuts a long section at sentence boundaries into chunks of about the target size, each starting with the end of the one before', () => {
    const sentences = Array.from({ length: 60 }, (_value, index) => `Sentence ${index} says ${words(7, `w${index}x`)}.`);
    const long: ParsedDocument = { title: 'Long', sections: [{ headingPath: ['Big'], text: sentences.join(' ') }, { headingPath: ['Small'], text: 'Tiny.' }] };
    const chunks = chunkDocument(long, { source: 'long.md', targetWords: 120, maxWords: 220, overlapWords: 30 });
    const big = chunks.filter((chunk) => chunk.section === 'Big');
    expect(big.length).toBeGreaterThanOrEqual(5);
    expect(chunks.at(-1)).toMatchObject({ section: 'Small', text: 'Tiny.', position: chunks.length - 1, id: `long.md#${chunks.length - 1}` });
    expect(chunks.map((chunk) => chunk.position)).toEqual(chunks.map((_chunk, index) => index));
    for (const chunk of big) {
      const count = chunk.text.split(/\s+/).length;
      expect(count).toBeLessThanOrEqual(220);
      expect(chunk.text).toMatch(/^Sentence \d+ says .*\.$/); // whole sentences only
      expect(chunk.text).not.toContain('Big');
    }
    for (const chunk of big.slice(0, -1)) expect(chunk.text.split(/\s+/).length).toBeGreaterThanOrEqual(120);
    for (let index = 1; index < big.length; index += 1) {
      const previous = splitSentences(big[index - 1]!.text);
      const current = splitSentences(big[index]!.text);
      // The overlap: the last sentences (at most 30 words) of the previous chunk open this one.
      const carried = current.filter((sentence) => previous.includes(sentence));
      expect(carried.length).toBeGreaterThanOrEqual(1);
      expect(carried).toEqual(previous.slice(previous.length - carried.length));
      expect(current.slice(0, carried.length)).toEqual(carried);
      expect(carried.join(' ').split(/\s+/).length).toBeLessThanOrEqual(30);
    }
    // Every sentence is in some chunk, in order.
    const seen = big.flatMap((chunk) => splitSentences(chunk.text));
    expect([...new Set(seen)]).toEqual(sentences);
  });

  it('cuts a sentence longer than the maximum into runs of words, and keeps lines (table rows) apart', () => {
    const text = `${words(500, 'x')}\nrow | one\nrow | two`;
    const chunks = chunkDocument({ title: 'T', sections: [{ headingPath: [], text }] }, { source: 's.txt' });
    for (const chunk of chunks) expect(chunk.text.split(/\s+/).length).toBeLessThanOrEqual(220);
    expect(chunks.at(-1)!.text).toMatch(/\nrow \| one\nrow \| two$/);
    expect(chunks.map((chunk) => chunk.text).join(' ')).toContain('x499');
  });

  it('keeps each CSV row one chunk, however long', () => {
    const answer = words(400, 'a');
    const chunks = chunkDocument({ title: 'FAQ', sections: [{ headingPath: ['Why?'], text: `Why?\n${answer}` }], atomicSections: true }, { source: 'faq.csv' });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.text).toBe(`Why?\n${answer}`);
  });

  it('splits sentences but not after abbreviations or initials', () => {
    expect(splitSentences('Bring ID, e.g. Passports work. Ask Dr. Smith at 9 a.m. Then go! "Done." (Really.) Ok')).toEqual([
      'Bring ID, e.g. Passports work.',
      'Ask Dr. Smith at 9 a.m. Then go!',
      '"Done."',
      '(Really.)',
      'Ok',
    ]);
  });

  it('refuses sizes that make no sense', () => {
    expect(() => chunkDocument(parsed, { source: 'a.md', targetWords: 100, maxWords: 50 })).toThrow(RangeError);
    expect(() => chunkDocument(parsed, { source: 'a.md', targetWords: 100, overlapWords: 100 })).toThrow(RangeError);
  });
});

/** A memory store's knowledge port, with its writes counted. */
function spiedKnowledge(): KnowledgeStore {
  const knowledge = createMemoryStore().knowledge;
  vi.spyOn(knowledge, 'putDocument');
  vi.spyOn(knowledge, 'removeDocument');
  return knowledge;
}

async function chunksOf(store: KnowledgeStore, bot: string, source?: string): Promise<KnowledgeChunk[]> {
  return (await store.loadChunks(bot)).map((row) => row.chunk).filter((chunk) => source === undefined || chunk.source === source);
}

describe('ingestFolder', () => {
  let dir: string;
  let store: KnowledgeStore;
  const now = () => new Date('2030-01-02T03:04:05.000Z');

  beforeEach(async () => {
    dir = await mkdtemp(join(scratch, 'folder-'));
    await mkdir(join(dir, 'returns'), { recursive: true });
    await mkdir(join(dir, 'shipping', 'international'), { recursive: true });
    await cp(join(fixtures, 'returns-policy.md'), join(dir, 'returns', 'returns-policy.md'));
    await cp(join(fixtures, 'returns-guide.pdf'), join(dir, 'returns', 'returns-guide.pdf'));
    await cp(join(fixtures, 'shipping-page.html'), join(dir, 'shipping', 'international', 'shipping-page.html'));
    await cp(join(fixtures, 'store-hours.txt'), join(dir, 'store-hours.txt'));
    await cp(join(fixtures, 'faq.csv'), join(dir, 'faq.csv'));
    await writeFile(join(dir, 'notes.docx'), 'not read');
    await writeFile(join(dir, '.draft.md'), '# Hidden\n\nNot ingested.');
    store = spiedKnowledge();
  });

  it('adds every document, with tags from the folders, links from the link base, skipping other formats', async () => {
    const report = await ingestFolder({ dir, bot: 'shop', store, now, linkBase: 'https://help.example/kb/' });
    expect(report).toEqual({
      added: ['faq.csv', 'returns/returns-guide.pdf', 'returns/returns-policy.md', 'shipping/international/shipping-page.html', 'store-hours.txt'],
      updated: [],
      removed: [],
      unchanged: [],
      skipped: ['notes.docx'],
      failed: [],
      chunks: 3 + 2 + 4 + 4 + 4,
    });
    const documents = await store.listDocuments('shop');
    expect(documents.map((document) => [document.source, document.title, document.chunks, document.ingestedAt])).toEqual([
      ['faq.csv', 'Frequently asked questions', 3, '2030-01-02T03:04:05.000Z'],
      ['returns/returns-guide.pdf', 'Parley Shop returns guide', 2, '2030-01-02T03:04:05.000Z'],
      ['returns/returns-policy.md', 'Returns policy', 4, '2030-01-02T03:04:05.000Z'],
      ['shipping/international/shipping-page.html', 'Shipping & delivery', 4, '2030-01-02T03:04:05.000Z'],
      ['store-hours.txt', 'Store hours and locations', 4, '2030-01-02T03:04:05.000Z'],
    ]);
    expect(documents[0]!.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const [policy] = await chunksOf(store, 'shop', 'returns/returns-policy.md');
    expect(policy).toMatchObject({ tags: ['returns', 'policy'], link: 'https://shop.example/help/returns' });
    const [page] = await chunksOf(store, 'shop', 'shipping/international/shipping-page.html');
    expect(page).toMatchObject({ tags: ['shipping', 'international'], link: 'https://help.example/kb/shipping/international/shipping-page' });
    const [faq] = await chunksOf(store, 'shop', 'faq.csv');
    expect(faq).toMatchObject({ id: 'faq.csv#0', tags: [], section: 'Do you ship abroad?' });
  });

  it('writes nothing when nothing changed', async () => {
    await ingestFolder({ dir, bot: 'shop', store, now });
    vi.mocked(store.putDocument).mockClear();
    const report = await ingestFolder({ dir, bot: 'shop', store, now });
    expect(report.unchanged).toHaveLength(5);
    expect(report).toMatchObject({ added: [], updated: [], removed: [], failed: [], chunks: 0 });
    expect(store.putDocument).not.toHaveBeenCalled();
    expect(store.removeDocument).not.toHaveBeenCalled();
  });

  it('replaces the chunks of a changed file, removes those of a deleted one, and leaves the rest', async () => {
    await ingestFolder({ dir, bot: 'shop', store, now });
    vi.mocked(store.putDocument).mockClear();
    await writeFile(join(dir, 'store-hours.txt'), 'Store hours\n\nWe are now open around the clock.\n');
    await unlink(join(dir, 'faq.csv'));
    const report = await ingestFolder({ dir, bot: 'shop', store, now });
    expect(report).toMatchObject({ added: [], updated: ['store-hours.txt'], removed: ['faq.csv'], failed: [], chunks: 1 });
    expect(report.unchanged).toHaveLength(3);
    expect(store.putDocument).toHaveBeenCalledTimes(1);
    const hours = await chunksOf(store, 'shop', 'store-hours.txt');
    expect(hours.map((chunk) => chunk.text)).toEqual(['We are now open around the clock.']);
    expect(await chunksOf(store, 'shop', 'faq.csv')).toEqual([]);
    expect((await store.listDocuments('shop')).map((document) => document.source)).not.toContain('faq.csv');
  });

  it('reports a file that fails, keeps its previous chunks, and goes on with the others', async () => {
    await ingestFolder({ dir, bot: 'shop', store, now });
    const before = await chunksOf(store, 'shop', 'faq.csv');
    await writeFile(join(dir, 'faq.csv'), 'question,answer\nok?,yes\nbroken?,"no end\n');
    await writeFile(join(dir, 'store-hours.txt'), 'Store hours\n\nChanged too.\n');
    const report = await ingestFolder({ dir, bot: 'shop', store, now });
    expect(report.failed).toEqual([{ source: 'faq.csv', error: 'faq.csv:3: a quoted field is never closed' }]);
    expect(report.updated).toEqual(['store-hours.txt']);
    expect(report.removed).toEqual([]);
    expect(await chunksOf(store, 'shop', 'faq.csv')).toEqual(before);
  });

  it('keeps documents ingested from a URL, and keeps bots apart', async () => {
    await store.putDocument('shop', { source: 'https://x.example/page', title: 'Page', contentHash: 'h', chunks: [] }, now().toISOString());
    await store.putDocument('other', { source: 'elsewhere.md', title: 'Else', contentHash: 'h', chunks: [] }, now().toISOString());
    const report = await ingestFolder({ dir, bot: 'shop', store, now });
    expect(report.removed).toEqual([]);
    expect((await store.listDocuments('shop')).map((document) => document.source)).toContain('https://x.example/page');
    expect(await store.listDocuments('other')).toHaveLength(1);
  });

  it('embeds chunks as title, section and text, in batches of at most 64, and keeps the old version when embedding fails', async () => {
    const batches: string[][] = [];
    const embedder: Embedder = {
      model: 'test-embedder',
      embed: async (texts) => {
        batches.push([...texts]);
        return texts.map((text) => new Float32Array([text.length, 1, 0]));
      },
    };
    const rows = Array.from({ length: 70 }, (_value, index) => `Question ${index}?,Answer ${index}.`).join('\n');
    await rm(dir, { recursive: true });
    await mkdir(dir);
    await writeFile(join(dir, 'many.csv'), `question,answer\n${rows}\n`);
    const report = await ingestFolder({ dir, bot: 'shop', store, now, embedder });
    expect(report).toMatchObject({ added: ['many.csv'], chunks: 70 });
    expect(batches.map((batch) => batch.length)).toEqual([64, 6]);
    expect(batches[0]![0]).toBe('Many\nQuestion 0?\nQuestion 0?\nAnswer 0.');
    const loaded = await store.loadChunks('shop');
    expect(loaded).toHaveLength(70);
    expect(loaded[0]).toMatchObject({ vectorModel: 'test-embedder' });
    expect(Array.from(loaded[0]!.vector!)).toEqual([batches[0]![0]!.length, 1, 0]);

    await writeFile(join(dir, 'many.csv'), 'question,answer\nNew?,Yes.\n');
    const failing: Embedder = { model: 'test-embedder', embed: () => Promise.reject(new Error('provider down')) };
    const second = await ingestFolder({ dir, bot: 'shop', store, now, embedder: failing });
    expect(second.failed).toEqual([{ source: 'many.csv', error: 'provider down' }]);
    expect(await store.loadChunks('shop')).toHaveLength(70);
  });

  it('ingests one file with the tags of its path below the knowledge folder, and removes nothing', async () => {
    const report = await ingestFile({ file: join(dir, 'returns', 'returns-guide.pdf'), root: dir, bot: 'shop', store, now });
    expect(report).toMatchObject({ added: ['returns/returns-guide.pdf'], chunks: 2, removed: [] });
    const chunks = await chunksOf(store, 'shop');
    expect(chunks.map((chunk) => [chunk.id, chunk.section, chunk.tags])).toEqual([
      ['returns/returns-guide.pdf#0', 'Returning an item', ['returns']],
      ['returns/returns-guide.pdf#1', 'Refunds', ['returns']],
    ]);
    expect((await ingestFile({ file: join(dir, 'returns', 'returns-guide.pdf'), root: dir, bot: 'shop', store, now })).unchanged).toEqual([
      'returns/returns-guide.pdf',
    ]);
  });

  it('refuses a folder that does not exist', async () => {
    await expect(ingestFolder({ dir: join(dir, 'nope'), bot: 'shop', store })).rejects.toThrow(/does not exist/);
  });
});

describe('ingestUrl', () => {
  let server: Server;
  let base: string;
  let store: KnowledgeStore;

  beforeAll(async () => {
    const html = await fixture('shipping-page.html');
    const pdf = await fixture('returns-guide.pdf');
    server = createServer((request, response) => {
      switch (request.url) {
        case '/help/shipping':
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
          return;
        case '/files/guide':
          response.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf);
          return;
        case '/notes.md':
          response.writeHead(200, { 'content-type': 'application/octet-stream' }).end('# Notes\n\nRead by extension.\n');
          return;
        case '/big':
          response.writeHead(200, { 'content-type': 'text/plain' }).end('Title\n\n' + 'word '.repeat(1000));
          return;
        case '/slow':
          setTimeout(() => response.writeHead(200, { 'content-type': 'text/plain' }).end('late'), 1000);
          return;
        default:
          response.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    store = spiedKnowledge();
  });

  it('ingests an HTML page by its Content-Type, the URL as source and link, and skips it when unchanged', async () => {
    const url = `${base}/help/shipping`;
    const report = await ingestUrl({ url, bot: 'shop', store });
    expect(report).toMatchObject({ added: [url], failed: [], chunks: 4 });
    const chunks = await chunksOf(store, 'shop');
    expect(chunks[0]).toMatchObject({ id: `${url}#0`, source: url, link: url, title: 'Shipping & delivery', tags: [] });
    expect(chunks.some((chunk) => /NAVLINK|FOOTERTEXT/.test(chunk.text))).toBe(false);
    const again = await ingestUrl({ url, bot: 'shop', store });
    expect(again).toMatchObject({ unchanged: [url], added: [], chunks: 0 });
    expect(store.putDocument).toHaveBeenCalledTimes(1);
  });

  it('ingests a PDF by its Content-Type and Markdown by the extension', async () => {
    const pdf = await ingestUrl({ url: `${base}/files/guide`, bot: 'shop', store });
    expect(pdf).toMatchObject({ added: [`${base}/files/guide`], chunks: 2 });
    expect((await chunksOf(store, 'shop')).map((chunk) => chunk.section)).toEqual(['Returning an item', 'Refunds']);
    const markdown = await ingestUrl({ url: `${base}/notes.md`, bot: 'shop', store });
    expect(markdown).toMatchObject({ added: [`${base}/notes.md`], chunks: 1 });
  });

  it('reports a 404, a timeout and a body over the size limit as failures, writing nothing', async () => {
    const missing = await ingestUrl({ url: `${base}/missing`, bot: 'shop', store });
    expect(missing.failed).toEqual([{ source: `${base}/missing`, error: expect.stringMatching(/HTTP 404/) }]);
    const slow = await ingestUrl({ url: `${base}/slow`, bot: 'shop', store, timeoutMs: 100 });
    expect(slow.failed[0]!.error).toMatch(/took longer than 0.1 s/);
    const big = await ingestUrl({ url: `${base}/big`, bot: 'shop', store, maxBytes: 1000 });
    expect(big.failed[0]!.error).toMatch(/more than the 1000 bytes allowed/);
    const ftp = await ingestUrl({ url: 'ftp://example.com/x.md', bot: 'shop', store });
    expect(ftp.failed[0]!.error).toMatch(/only http and https/);
    expect(store.putDocument).not.toHaveBeenCalled();
  });
});

describe('the demo bot knowledge folder', () => {
  it('ingests with no failures into at least 60 chunks, with none of the HTML pages’ navigation, header or footer text', async () => {
    const store = createMemoryStore().knowledge;
    const report = await ingestFolder({ dir: demoKnowledge, bot: 'shop', store });
    expect(report.failed).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.added.length).toBe((await readdir(demoKnowledge)).length);
    expect(report.chunks).toBeGreaterThanOrEqual(60);
    const chunks = await chunksOf(store, 'shop');
    expect(chunks).toHaveLength(report.chunks);

    const htmlFiles = (await readdir(demoKnowledge)).filter((name) => name.endsWith('.html'));
    expect(htmlFiles.length).toBeGreaterThan(0);
    for (const name of htmlFiles) {
      const document = parseDocument(await readFile(join(demoKnowledge, name), 'utf8'));
      const boilerplate = DomUtils.findAll((element) => ['nav', 'header', 'footer', 'script', 'style'].includes(element.name), document.children)
        .flatMap((element) => DomUtils.textContent(element).split('\n'))
        .map((line) => line.replace(/\s+/g, ' ').trim())
        .filter((line) => line.length > 2);
      expect(boilerplate.length).toBeGreaterThan(0);
      const lines = chunks.filter((chunk) => chunk.source === name).flatMap((chunk) => chunk.text.split('\n'));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of boilerplate) expect(lines, `${name}: "${line}"`).not.toContain(line);
    }
    const allText = chunks.map((chunk) => chunk.text).join('\n');
    for (const phrase of ['gear for the long way round', 'Skip to content', 'Sign up for our newsletter', 'Free US standard shipping on orders over $50', 'dataLayer']) {
      expect(allText).not.toContain(phrase);
    }
  });
});

describe('parley kb ingest', () => {
  function parley(args: string[], env: Record<string, string>) {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, PARLEY_LOG_LEVEL: 'silent', PARLEY_BOT: '', ...env },
      timeout: 60_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('ingests the bot’s knowledge folder into SQLite, then finds it unchanged; one file by path; a missing path fails', async () => {
    const dataDir = await mkdtemp(join(scratch, 'cli-data-'));
    const env = { PARLEY_STORE: 'sqlite', PARLEY_DATA_DIR: dataDir };
    const first = parley(['kb', 'ingest', '--bot', 'bots/shop'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Knowledge of bot "shop" from bots\/shop\/knowledge into sqlite/);
    expect(first.stdout).toMatch(/21 added, 0 updated, 0 removed, 0 unchanged, 0 skipped, 0 failed; \d+ chunks written\./);

    const second = parley(['kb', 'ingest', 'bots/shop/knowledge', '--json'], env);
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout) as { bot: string; added: string[]; unchanged: string[]; chunks: number };
    expect(report).toMatchObject({ bot: 'shop', added: [], chunks: 0 });
    expect(report.unchanged).toHaveLength(21);

    const one = parley(['kb', 'ingest', 'bots/shop/knowledge/faq.csv', '--json', '--force'], env);
    expect(JSON.parse(one.stdout)).toMatchObject({ updated: ['faq.csv'], removed: [] });

    const store = openSqliteStore({ file: join(dataDir, 'parley.db') });
    try {
      const chunks = (await store.knowledge.loadChunks('shop')).map((row) => row.chunk);
      expect(chunks.length).toBeGreaterThanOrEqual(60);
      expect(chunks.find((chunk) => chunk.source === 'returns-and-refunds.md')?.link).toBe('https://parleyshop.example/help/returns-and-refunds');
    } finally {
      await store.close();
    }

    const missing = parley(['kb', 'ingest', 'no/such/folder'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Nothing to ingest at no\/such\/folder/);
    expect(parley(['kb'], env).code).toBe(1);
  }, 120_000);
});
