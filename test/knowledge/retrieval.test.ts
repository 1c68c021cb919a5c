import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Embedder, KnowledgeChunk } from '../../src/core/index.js';
import { evaluateRetrieval } from '../../src/knowledge/evaluation/index.js';
import {
  americanSpelling,
  analyseWords,
  boundedEditDistance,
  buildKnowledgeIndex,
  stemEnglish,
  termOf,
  type KnowledgeIndexEntry,
} from '../../src/knowledge/retrieval/index.js';

interface ChunkSpec {
  readonly source: string;
  readonly title?: string;
  readonly section?: string | null;
  readonly text: string;
  readonly tags?: readonly string[];
}

function entries(specs: readonly ChunkSpec[], vectors?: readonly (Float32Array | null)[], model = 'fake'): KnowledgeIndexEntry[] {
  const positions = new Map<string, number>();
  return specs.map((spec, index) => {
    const position = positions.get(spec.source) ?? 0;
    positions.set(spec.source, position + 1);
    const chunk: KnowledgeChunk = {
      id: `${spec.source}#${position}`,
      source: spec.source,
      title: spec.title ?? spec.source.replace(/\.\w+$/, ''),
      section: spec.section ?? null,
      position,
      text: spec.text,
      link: null,
      tags: spec.tags ?? [],
    };
    const vector = vectors?.[index] ?? null;
    return { chunk, vector, vectorModel: vector ? model : null };
  });
}

async function topSources(index: ReturnType<typeof buildKnowledgeIndex>, question: string, limit = 5): Promise<string[]> {
  return (await index.retrieve(question, { limit })).map((passage) => passage.chunk.source);
}

const shop = entries([
  { source: 'payments.md', title: 'Payments', section: 'Paying in instalments', text: 'You can split any order over $50 into four interest-free instalments with our pay-later partner.' },
  { source: 'colours.md', title: 'Product colours', text: 'Every jacket comes in three colours. The colour shown on screen may differ slightly from the fabric.' },
  { source: 'orders.md', title: 'Changing an order', section: 'Cancellations', text: 'An order that was cancelled by us is refunded in full. We organise the refund within two days.' },
  { source: 'warranty.md', title: 'Warranty', text: 'Our warranty covers defects in materials and workmanship for two years from delivery.' },
  { source: 'pickup.md', title: 'Store pickup', text: 'Collect your order from one of our stores; we email you when it is ready. Bring a photo ID.' },
  { source: 'gift-cards.md', title: 'Gift cards', text: 'E-gift cards are delivered by email and never expire. You can use up to five on one order.' },
  { source: 'returns.md', title: 'Returns', text: 'Send items back within 30 days, unused and with their tags, for a full refund to your original payment method.' },
  { source: 'care.md', title: 'Product care', section: 'Down jackets', text: 'Wash down jackets on a gentle cycle and tumble dry them on low heat with two clean tennis balls.' },
]);

describe('text analysis', () => {
  it('stems English words with Porter2 (Snowball English)', () => {
    const expected: Record<string, string> = {
      consign: 'consign', consigned: 'consign', consigning: 'consign', consignment: 'consign',
      generously: 'generous', communication: 'communic', deliveries: 'deliveri', returned: 'return',
      returning: 'return', cancellation: 'cancel', cancelled: 'cancel', skies: 'sky', dying: 'die',
      running: 'run', hopeful: 'hope', relational: 'relat', happily: 'happili', agreed: 'agre', feed: 'feed',
      ties: 'tie', cries: 'cri', gas: 'gas', kiwis: 'kiwi', constructor: 'constructor',
    };
    for (const [word, stem] of Object.entries(expected)) expect(stemEnglish(word), word).toBe(stem);
  });

  it('unifies British and American spellings', () => {
    expect(americanSpelling('colour')).toBe('color');
    expect(americanSpelling('favourite')).toBe('favorite');
    expect(americanSpelling('instalments')).toBe('installments');
    expect(americanSpelling('cancelled')).toBe('canceled');
    expect(americanSpelling('organisation')).toBe('organization');
    expect(americanSpelling('analysed')).toBe('analyzed');
    expect(americanSpelling('programme')).toBe('program');
    expect(americanSpelling('centre')).toBe('center');
    expect(americanSpelling('catalogue')).toBe('catalog');
    // Spelt -ise on both sides: left alone, so "promise" is not stemmed to "prom".
    expect(americanSpelling('promise')).toBe('promise');
    expect(americanSpelling('exercising')).toBe('exercising');
    for (const [british, american] of [['colours', 'colors'], ['instalment', 'installments'], ['organised', 'organizing'], ['travelling', 'traveled'], ['cheque', 'checks'], ['paid', 'pay']]) {
      expect(termOf(british!), british).toBe(termOf(american!));
    }
  });

  it('folds case, accents and compatibility forms; drops stopwords; keeps numbers; joins initialisms and compounds', () => {
    const words = analyseWords('Can I return the CAFÉ ﬁlter to a P.O. box for $4.95 with my e-gift card?');
    const terms = words.map((word) => word.term);
    expect(terms).toEqual([null, null, 'return', null, 'cafe', 'filter', null, null, 'po', 'box', null, '4.95', null, null, 'e', 'gift', 'card']);
    expect(words.find((word) => word.surface === 'e')?.compound).toEqual({ surface: 'egift', term: 'egift', parts: 2 });
    expect(analyseWords("don't")[0]!.term).toBeNull();
    expect(analyseWords("customer's order").map((word) => word.term)).toEqual(['custom', 'order']);
  });

  it('measures edit distance with swapped neighbours as one edit', () => {
    expect(boundedEditDistance('warranty', 'warrenty', 2)).toBe(1);
    expect(boundedEditDistance('receive', 'recieve', 2)).toBe(1);
    expect(boundedEditDistance('shipping', 'shpiing', 2)).toBe(2);
    expect(boundedEditDistance('parcel', 'cancel', 1)).toBe(2);
  });
});

describe('buildKnowledgeIndex: lexical retrieval', () => {
  const index = buildKnowledgeIndex(shop);

  it('reports its size and has no dense part without an embedder', () => {
    expect(index.size).toBe(shop.length);
    expect(index.denseSize).toBe(0);
  });

  it('matches stemming and spelling variants', async () => {
    expect((await topSources(index, 'can I pay in installments?'))[0]).toBe('payments.md');
    expect((await topSources(index, 'what colors does the jacket come in'))[0]).toBe('colours.md');
    expect((await topSources(index, 'my order got canceled, when do you organize the refund'))[0]).toBe('orders.md');
    expect((await topSources(index, 'how do I wash my down jacket'))[0]).toBe('care.md');
  });

  it('matches typos, clipped words and compounds written apart or together', async () => {
    const [passage] = await index.retrieve('what does the warrenty cover');
    expect(passage?.chunk.source).toBe('warranty.md');
    expect(passage?.matchedTerms).toContain('warrenty');
    expect((await topSources(index, 'do egift cards expire'))[0]).toBe('gift-cards.md');
    expect((await topSources(index, 'can I pick up my order at a store'))[0]).toBe('pickup.md');
  });

  it('uses the built-in synonyms and the bot\'s own', async () => {
    const refunds = entries([
      { source: 'refunds.md', text: 'Refunds reach your card within five business days.' },
      { source: 'receipts.md', text: 'Keep your receipt for the warranty.' },
    ]);
    expect(await topSources(buildKnowledgeIndex(refunds), 'can I get my money back')).toEqual(['refunds.md']);
    expect(await topSources(buildKnowledgeIndex(refunds, { builtInSynonyms: false }), 'can I get my money back')).toEqual([]);
    const withBotSynonyms = buildKnowledgeIndex(shop, { synonyms: [['tumble dry', 'dryer']] });
    expect((await topSources(withBotSynonyms, 'can it go in the dryer'))[0]).toBe('care.md');
  });

  it('ranks a title match above a mention in another passage\'s text', async () => {
    const boosted = buildKnowledgeIndex(
      entries([
        { source: 'misc.md', title: 'Assorted questions', text: 'Some customers ask about the loyalty programme when they order, among many other things we cover here in this rather long passage about everything.' },
        { source: 'loyalty.md', title: 'Loyalty programme', text: 'Members earn points on every purchase and spend them on later orders.' },
        { source: 'other.md', title: 'Other', section: 'Loyalty programme', text: 'Points expire after a year without purchases.' },
      ]),
    );
    const sources = await topSources(boosted, 'loyalty programme');
    expect(sources[0]).toBe('loyalty.md');
    expect(sources.indexOf('other.md')).toBeLessThan(sources.indexOf('misc.md'));
  });

  it('filters by tags (any) and sources', async () => {
    const tagged = buildKnowledgeIndex(
      entries([
        { source: 'us/returns.md', text: 'Returns within the US are free.', tags: ['us'] },
        { source: 'uk/returns.md', text: 'Returns from the UK cost £3.', tags: ['uk', 'europe'] },
        { source: 'eu/returns.md', text: 'Returns from the EU cost €4.', tags: ['eu', 'europe'] },
      ]),
    );
    expect(await topSources(tagged, 'returns')).toHaveLength(3);
    expect(await topSources(tagged, 'returns', 5)).toEqual(expect.arrayContaining(['us/returns.md', 'uk/returns.md', 'eu/returns.md']));
    expect((await tagged.retrieve('returns', { tags: ['uk'] })).map((p) => p.chunk.source)).toEqual(['uk/returns.md']);
    expect((await tagged.retrieve('returns', { tags: ['us', 'eu'] })).map((p) => p.chunk.source).sort()).toEqual(['eu/returns.md', 'us/returns.md']);
    expect((await tagged.retrieve('returns', { sources: ['eu/returns.md'] })).map((p) => p.chunk.source)).toEqual(['eu/returns.md']);
    expect(await tagged.retrieve('returns', { tags: ['europe'], sources: ['us/returns.md'] })).toEqual([]);
    expect(await tagged.retrieve('returns', { tags: ['nowhere'] })).toEqual([]);
  });

  it('honours the limit and answers nothing for an empty or stopword-only question or an empty index', async () => {
    expect(await index.retrieve('order', { limit: 2 })).toHaveLength(2);
    expect(await index.retrieve('order', { limit: 0 })).toEqual([]);
    expect(await index.retrieve('')).toEqual([]);
    expect(await index.retrieve('what is it that you are')).toEqual([]);
    expect(await buildKnowledgeIndex([]).retrieve('anything at all')).toEqual([]);
  });

  it('gives high evidence to a paraphrase of a passage and low evidence to an unrelated question', async () => {
    const [paraphrase] = await index.retrieve('do e-gift cards ever expire, and how many can I use on an order?');
    expect(paraphrase?.chunk.source).toBe('gift-cards.md');
    expect(paraphrase!.evidence).toBeGreaterThan(0.7);
    expect(paraphrase!.evidence).toBeLessThanOrEqual(1);
    for (const question of ['what is the capital of Mongolia', 'who won the world cup in 1998']) {
      const [unrelated] = await index.retrieve(question);
      expect(unrelated?.evidence ?? 0, question).toBeLessThan(0.2);
    }
  });

  it('is deterministic', async () => {
    const first = await index.retrieve('order refund store', { limit: 8 });
    const second = await buildKnowledgeIndex(shop).retrieve('order refund store', { limit: 8 });
    expect(second.map((p) => [p.chunk.id, p.score])).toEqual(first.map((p) => [p.chunk.id, p.score]));
  });
});

describe('buildKnowledgeIndex: dense ranking and rank fusion', () => {
  // Three passages on the same words; lexically A > B > C. The fake embedder puts the question
  // next to C, then A, then B, so with fusion C (lexical 3 + dense 1) overtakes B (lexical 2 +
  // dense 3) and A (1 + 2) stays first.
  const specs: ChunkSpec[] = [
    { source: 'a.md', text: 'parcel tracking parcel tracking parcel tracking' },
    { source: 'b.md', text: 'parcel tracking parcel help' },
    { source: 'c.md', text: 'parcel tracking and a lot of other words about where a delivery is right now' },
  ];
  const vectors = [Float32Array.of(1, 0.5, 0), Float32Array.of(1, 0, 0.2), Float32Array.of(0.1, 1, 0)];
  const question = 'parcel tracking';
  const answering: Embedder = { model: 'fake', embed: async (texts) => texts.map(() => Float32Array.of(0, 1, 0.1)) };

  it('without vectors or without an embedder, the lexical order', async () => {
    expect(await topSources(buildKnowledgeIndex(entries(specs, vectors)), question)).toEqual(['a.md', 'b.md', 'c.md']);
  });

  it('fuses the lexical and dense rankings by reciprocal rank (k = 60)', async () => {
    const index = buildKnowledgeIndex(entries(specs, vectors), { embedder: answering });
    expect(index.denseSize).toBe(3);
    const passages = await index.retrieve(question);
    expect(passages.map((p) => p.chunk.source)).toEqual(['a.md', 'c.md', 'b.md']);
    expect(passages.map((p) => [p.lexicalRank, p.denseRank])).toEqual([[1, 2], [3, 1], [2, 3]]);
    expect(passages[0]!.score).toBeCloseTo(1 / 61 + 1 / 62, 10);
    expect(passages[1]!.score).toBeCloseTo(1 / 63 + 1 / 61, 10);
  });

  it('brings in passages that only the dense ranking finds', async () => {
    const index = buildKnowledgeIndex(entries(specs, vectors), { embedder: answering });
    const passages = await index.retrieve('where is my stuff');
    expect(passages[0]?.chunk.source).toBe('c.md');
    expect(passages[0]?.lexicalRank).toBeNull();
    expect(passages[0]?.evidence).toBe(0);
  });

  it('falls back to the lexical order when the embedder fails or times out', async () => {
    const errors: unknown[] = [];
    const failing: Embedder = { model: 'fake', embed: async () => Promise.reject(new Error('provider down')) };
    const failed = buildKnowledgeIndex(entries(specs, vectors), { embedder: failing, onEmbedError: (error) => errors.push(error) });
    expect(await topSources(failed, question)).toEqual(['a.md', 'b.md', 'c.md']);
    expect(String(errors[0])).toContain('provider down');

    let aborted = false;
    const hanging: Embedder = {
      model: 'fake',
      embed: (_texts, signal) =>
        new Promise(() => {
          signal?.addEventListener('abort', () => (aborted = true));
        }),
    };
    const slow = buildKnowledgeIndex(entries(specs, vectors), { embedder: hanging, embedTimeoutMs: 20, onEmbedError: (error) => errors.push(error) });
    expect(await topSources(slow, question)).toEqual(['a.md', 'b.md', 'c.md']);
    expect(aborted).toBe(true);
    expect(String(errors[1])).toContain('did not answer');
  });

  it('never compares vectors of another model', async () => {
    const index = buildKnowledgeIndex(entries(specs, vectors, 'other-model'), { embedder: answering });
    expect(index.denseSize).toBe(0);
    expect(await topSources(index, question)).toEqual(['a.md', 'b.md', 'c.md']);
  });

  it('applies the filters to the dense ranking too', async () => {
    const index = buildKnowledgeIndex(entries(specs, vectors), { embedder: answering });
    expect((await index.retrieve('where is my stuff', { sources: ['a.md', 'b.md'] })).map((p) => p.chunk.source)).not.toContain('c.md');
  });
});

describe('evaluateRetrieval on the shop bot\'s knowledge', () => {
  it('finds the answering document in the top five for at least 95 % of the questions, MRR at least 0.8', async () => {
    const result = await evaluateRetrieval({
      docsDir: fileURLToPath(new URL('../../bots/shop/knowledge', import.meta.url)),
      qaFile: fileURLToPath(new URL('../../bots/shop/knowledge-eval/qa.jsonl', import.meta.url)),
    });
    expect(result.questions).toBe(104);
    expect(result.dense).toBe(false);
    expect(result.recallAt5).toBeGreaterThanOrEqual(0.95);
    expect(result.mrr).toBeGreaterThanOrEqual(0.8);
    expect(result.recallAt1).toBeGreaterThanOrEqual(result.recallAt5 - 0.2);
    expect(result.misses.every((miss) => miss.rank !== 1)).toBe(true);
    expect(result.answerAt5).not.toBeNull();
  });

  it('fuses a dense ranking when given an embedder (a deterministic hashed bag of words)', async () => {
    let calls = 0;
    const hashing: Embedder = {
      model: 'hashed-bag-64',
      embed: async (texts) => {
        calls += 1;
        return texts.map((text) => {
          const vector = new Float32Array(64);
          for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
            let hash = 0;
            for (const character of word) hash = (hash * 31 + character.charCodeAt(0)) >>> 0;
            vector[hash % 64]! += 1;
          }
          return vector;
        });
      },
    };
    const result = await evaluateRetrieval({
      docsDir: fileURLToPath(new URL('../../bots/shop/knowledge', import.meta.url)),
      qaFile: fileURLToPath(new URL('../../bots/shop/knowledge-eval/qa.jsonl', import.meta.url)),
      embedder: hashing,
    });
    expect(result.dense).toBe(true);
    expect(calls).toBeGreaterThan(result.questions);
    expect(result.recallAt5).toBeGreaterThan(0.5);
  });
});
