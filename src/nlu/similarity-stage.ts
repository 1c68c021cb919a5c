import type { IntentDefinition, RankedIntent } from '../core/index.js';
import { featurise } from './features.js';
import type { FeatureCounts } from './features.js';
import { compareText } from './ordering.js';
import { words as wordsOf } from './tokenise.js';

/**
 * Nearest example by TF-IDF weighted cosine similarity. An intent scores as well as its closest
 * example: intents are often a handful of different phrasings, and averaging them would punish an
 * intent for having variety.
 *
 * Everything about the examples is computed once, at construction, into an inverted index
 * (feature → the examples that have it, with their final weights), so a message costs one pass
 * over its own features and the examples that share at least one of them.
 *
 * Inverse document frequency is counted over intents, not examples: a word that every example of
 * one intent uses ("cancel") is that intent's signature, and should not be discounted for it;
 * a word that many intents use ("what", "my") says little about which one is meant.
 *
 * Words and trigrams are two blocks, each normalised on its own and weighted by its share, so the
 * score is `wordShare · cos(words) + (1 − wordShare) · cos(trigrams)` and stays within [0, 1]. A
 * text with no trigrams at all (only one- and two-letter words) puts its whole weight on words,
 * so "hi" still matches the example "hi" perfectly.
 */

export interface SimilarityCandidate {
  readonly intent: string;
  readonly confidence: number;
  /** The example that scored best, as the bot author wrote it. */
  readonly example: string;
}

export interface SimilarityResult {
  /** Best first; ties in score go to the intent whose name sorts first. */
  readonly ranking: readonly RankedIntent[];
  readonly best: SimilarityCandidate | null;
}

export interface SimilarityStage {
  /** `words` are the message's tokens, from `tokenise`. */
  score(words: readonly string[]): SimilarityResult;
}

export interface SimilarityOptions {
  /** How many intents the ranking lists. */
  readonly rankingSize?: number;
  /** Share of the score that comes from whole words; the rest comes from trigrams. */
  readonly wordShare?: number;
}

type WeightedFeatures = readonly (readonly [feature: string, weight: number])[];

interface Posting {
  readonly examples: Uint32Array;
  readonly weights: Float64Array;
}

interface Weighting {
  readonly idf: ReadonlyMap<string, number>;
  /** A feature no example has is the strongest sign the message is about something else. */
  readonly unseenIdf: number;
}

interface Example {
  readonly intent: number;
  readonly text: string;
  readonly features: FeatureCounts;
}

const defaultRankingSize = 5;
// Chosen on held-out data: trigrams carry typo tolerance, and whole words alone let function
// words ("what is the …") pull unrelated questions towards an intent.
const defaultWordShare = 0.3;

export function createSimilarityStage(
  intents: readonly Pick<IntentDefinition, 'name' | 'examples'>[],
  options: SimilarityOptions = {},
): SimilarityStage {
  const rankingSize = options.rankingSize ?? defaultRankingSize;
  const wordShare = options.wordShare ?? defaultWordShare;
  if (!(wordShare >= 0 && wordShare <= 1)) throw new RangeError(`wordShare must be within [0, 1], got ${wordShare}`);
  const intentNames = intents.map((intent) => intent.name);

  const examples: Example[] = [];
  intents.forEach((intent, intentIndex) => {
    for (const text of intent.examples) {
      const features = featurise(wordsOf(text));
      if (features.words.size > 0) examples.push({ intent: intentIndex, text, features });
    }
  });

  const wordWeighting = inverseDocumentFrequency(examples, (example) => example.features.words);
  const trigramWeighting = inverseDocumentFrequency(examples, (example) => example.features.trigrams);
  const wordPostings = new PostingBuilder();
  const trigramPostings = new PostingBuilder();
  examples.forEach((example, exampleIndex) => {
    const words = unitVector(example.features.words, wordWeighting);
    const trigrams = unitVector(example.features.trigrams, trigramWeighting);
    const [wordScale, trigramScale] = blockScales(trigrams.length > 0, wordShare);
    wordPostings.add(exampleIndex, words, wordScale);
    trigramPostings.add(exampleIndex, trigrams, trigramScale);
  });
  const wordIndex = wordPostings.build();
  const trigramIndex = trigramPostings.build();

  return {
    score(messageWords) {
      if (examples.length === 0 || messageWords.length === 0) return { ranking: [], best: null };
      const features = featurise(messageWords);
      const words = unitVector(features.words, wordWeighting);
      const trigrams = unitVector(features.trigrams, trigramWeighting);
      const [wordScale, trigramScale] = blockScales(trigrams.length > 0, wordShare);
      const exampleScores = new Float64Array(examples.length);
      accumulate(wordIndex, words, wordScale, exampleScores);
      accumulate(trigramIndex, trigrams, trigramScale, exampleScores);

      const intentScores = new Float64Array(intentNames.length);
      const bestExample = new Int32Array(intentNames.length).fill(-1);
      for (let index = 0; index < examples.length; index += 1) {
        const intent = examples[index]!.intent;
        if (exampleScores[index]! > intentScores[intent]!) {
          intentScores[intent] = exampleScores[index]!;
          bestExample[intent] = index;
        }
      }

      const candidates: number[] = [];
      for (let intent = 0; intent < intentNames.length; intent += 1) {
        intentScores[intent] = tidy(intentScores[intent]!);
        if (intentScores[intent]! > 0) candidates.push(intent);
      }
      candidates.sort(
        (left, right) => intentScores[right]! - intentScores[left]! || compareText(intentNames[left]!, intentNames[right]!),
      );
      const ranking = candidates.slice(0, rankingSize).map((intent) => ({
        intent: intentNames[intent]!,
        confidence: intentScores[intent]!,
      }));
      const top = candidates[0];
      const best =
        top === undefined
          ? null
          : { intent: intentNames[top]!, confidence: intentScores[top]!, example: examples[bestExample[top]!]!.text };
      return { ranking, best };
    },
  };
}

function inverseDocumentFrequency(examples: readonly Example[], countsOf: (example: Example) => ReadonlyMap<string, number>): Weighting {
  const intentsWithFeature = new Map<string, Set<number>>();
  const intentsWithExamples = new Set<number>();
  for (const example of examples) {
    intentsWithExamples.add(example.intent);
    for (const feature of countsOf(example).keys()) {
      let holders = intentsWithFeature.get(feature);
      if (!holders) {
        holders = new Set();
        intentsWithFeature.set(feature, holders);
      }
      holders.add(example.intent);
    }
  }
  // Unsmoothed, so a feature every intent shares weighs almost nothing; the +1 keeps it above zero
  // and lets a bot with a single intent still score.
  const documents = intentsWithExamples.size + 1;
  const idf = new Map<string, number>();
  for (const [feature, holders] of intentsWithFeature) idf.set(feature, Math.log(documents / holders.size));
  return { idf, unseenIdf: Math.log(documents) };
}

/** Sublinear term frequency: saying "order order order" is not three times more about orders. */
function unitVector(counts: ReadonlyMap<string, number>, weighting: Weighting): WeightedFeatures {
  const weighted: [string, number][] = [];
  let squares = 0;
  for (const [feature, count] of counts) {
    const weight = (1 + Math.log(count)) * (weighting.idf.get(feature) ?? weighting.unseenIdf);
    weighted.push([feature, weight]);
    squares += weight * weight;
  }
  if (squares === 0) return [];
  const norm = Math.sqrt(squares);
  for (const entry of weighted) entry[1] /= norm;
  return weighted;
}

function blockScales(hasTrigrams: boolean, wordShare: number): [words: number, trigrams: number] {
  return hasTrigrams ? [Math.sqrt(wordShare), Math.sqrt(1 - wordShare)] : [1, 0];
}

class PostingBuilder {
  private readonly lists = new Map<string, { examples: number[]; weights: number[] }>();

  add(example: number, vector: WeightedFeatures, scale: number): void {
    if (scale === 0) return;
    for (const [feature, weight] of vector) {
      let list = this.lists.get(feature);
      if (!list) {
        list = { examples: [], weights: [] };
        this.lists.set(feature, list);
      }
      list.examples.push(example);
      list.weights.push(weight * scale);
    }
  }

  build(): ReadonlyMap<string, Posting> {
    const postings = new Map<string, Posting>();
    for (const [feature, list] of this.lists) {
      postings.set(feature, { examples: Uint32Array.from(list.examples), weights: Float64Array.from(list.weights) });
    }
    return postings;
  }
}

function accumulate(postings: ReadonlyMap<string, Posting>, vector: WeightedFeatures, scale: number, exampleScores: Float64Array): void {
  if (scale === 0) return;
  for (const [feature, weight] of vector) {
    const posting = postings.get(feature);
    if (!posting) continue;
    const scaled = weight * scale;
    for (let index = 0; index < posting.examples.length; index += 1) {
      exampleScores[posting.examples[index]!]! += scaled * posting.weights[index]!;
    }
  }
}

// Summing in floating point leaves noise in the last bits: a perfect match can land a hair above 1
// (which the event schema rejects) and two equal scores can differ by 1e-17, which would decide a
// tie by accident instead of by name. Six decimals are more than any threshold needs.
function tidy(score: number): number {
  return Math.min(1, Math.max(0, Math.round(score * 1e6) / 1e6));
}
