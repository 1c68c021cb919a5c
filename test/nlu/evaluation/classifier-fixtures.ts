import type { IntentClassifier, IntentScores, LabelledExample } from '../../../src/nlu/index.js';
import { OUT_OF_SCOPE } from '../../../src/nlu/index.js';

/**
 * Classifiers for evaluation tests. They are deliberately simple, so the expected numbers can be
 * worked out by hand.
 */

/** Answers fixed scores per text; any other text is a test bug. Counts its calls. */
export function fixedScoresClassifier(
  scores: Readonly<Record<string, IntentScores>>,
  threshold: number,
  onScore: () => void = () => {},
): IntentClassifier & { calls: number } {
  const intents = [...new Set(Object.values(scores).flatMap((entry) => entry.ranking.map((ranked) => ranked.intent)))].sort();
  return {
    threshold,
    intents,
    calls: 0,
    score(text: string): IntentScores {
      this.calls += 1;
      onScore();
      const answer = scores[text];
      if (!answer) throw new Error(`no fixed scores for ${JSON.stringify(text)}`);
      return answer;
    },
  };
}

/** Scores for a text whose best in-scope intent is `intent` at `confidence`. */
export function best(intent: string, confidence: number, outOfScope = 0): IntentScores {
  return { ranking: [{ intent, confidence }], outOfScope };
}

/**
 * A bag-of-words classifier: a text's score for a label is the share of its known words that the
 * label's examples contain, over all labels (`oos` included, which becomes `outOfScope`).
 */
export function trainWordOverlap(examples: readonly LabelledExample[], threshold = 0.5): IntentClassifier {
  const vocabulary = new Map<string, Set<string>>();
  for (const example of examples) {
    const words = vocabulary.get(example.intent) ?? new Set<string>();
    for (const word of tokens(example.text)) words.add(word);
    vocabulary.set(example.intent, words);
  }
  const intents = [...vocabulary.keys()].filter((label) => label !== OUT_OF_SCOPE).sort();
  return {
    threshold,
    intents,
    score(text: string): IntentScores {
      const words = tokens(text);
      const overlap = (label: string): number => words.filter((word) => vocabulary.get(label)?.has(word)).length;
      const total = [...vocabulary.keys()].reduce((sum, label) => sum + overlap(label), 0);
      const share = (label: string): number => (total === 0 ? 0 : overlap(label) / total);
      const ranking = intents
        .map((intent) => ({ intent, confidence: share(intent) }))
        .sort((a, b) => b.confidence - a.confidence || (a.intent < b.intent ? -1 : 1));
      return { ranking, outOfScope: share(OUT_OF_SCOPE) };
    },
  };
}

function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9']+/).filter((word) => word !== '');
}

/** A small labelled set with separable vocabularies, plus out-of-scope examples. */
export function toyExamples(): LabelledExample[] {
  const make = (intent: string, texts: string[]): LabelledExample[] => texts.map((text) => ({ text, intent }));
  return [
    ...make('greet', ['hello there', 'hi friend', 'hello friend', 'good morning', 'hey hello', 'hi there', 'morning friend', 'hey there friend', 'hello hello', 'good morning friend']),
    ...make('order_pizza', ['order a pizza', 'i want pizza', 'pizza please', 'get me a pizza', 'one large pizza', 'pizza with cheese', 'order pizza now', 'a cheese pizza please', 'large pizza', 'i want a large pizza']),
    ...make('track_order', ['where is my order', 'track my order', 'order status', 'where is my delivery', 'track delivery', 'status of my delivery', 'is my order late', 'delivery status please', 'track it', 'where is it']),
    ...make(OUT_OF_SCOPE, ['what is the weather', 'tell me a joke', 'who won the game', 'weather tomorrow', 'sing a song']),
  ];
}
