import { describe, expect, it } from 'vitest';
import { botConfigSchema, type IntentProvider } from '../../src/core/index.js';
import { createHybridUnderstander, trainIntentClassifier } from '../../src/nlu/index.js';
import { outOfScope, shopEntities, shopIntents } from './shop-data.js';

const classifier = trainIntentClassifier(shopIntents.flatMap((intent) => intent.examples.map((text) => ({ text, intent: intent.name }))));
const config = (nlu: Record<string, unknown> = {}) => botConfigSchema.parse({ name: 'shop', nlu });
const bot = (nlu: Record<string, unknown> = {}) => ({ config: config(nlu), intents: shopIntents, entities: shopEntities });

function provider(answer: { intent: string | null; confidence: number } | Error): IntentProvider & { calls: number } {
  const fake = {
    name: 'test-provider',
    calls: 0,
    async classify() {
      fake.calls += 1;
      if (answer instanceof Error) throw answer;
      return { ...answer, reason: 'closest examples' };
    },
  };
  return fake;
}

describe('hybrid understander', () => {
  it('lets a button payload decide first', async () => {
    const result = await createHybridUnderstander({ bot: bot(), classifier }).understand('/goodbye');
    expect(result).toMatchObject({ intent: 'goodbye', confidence: 1, stage: 'payload' });
  });

  it('lets an exact pattern decide before the classifier', async () => {
    const result = await createHybridUnderstander({ bot: bot(), classifier }).understand('track order 12345');
    expect(result).toMatchObject({ intent: 'track_order', stage: 'pattern' });
  });

  it('uses the classifier and says why', async () => {
    const result = await createHybridUnderstander({ bot: bot(), classifier }).understand('where is my parcel');
    expect(result.intent).toBe('track_order');
    expect(result.stage).toBe('classifier');
    expect(result.reason).toMatch(/^classifier: "track_order" at 0\.\d{3} ≥ learned threshold 0\.\d{3}/);
    expect(result.ranking[0]!.intent).toBe('track_order');
  });

  it('calls a message below the threshold out of scope, with the threshold it used', async () => {
    const understander = createHybridUnderstander({ bot: bot({ threshold: 0.999 }), classifier });
    // A vague message: whatever intent ranks first, it is far from certain.
    const result = await understander.understand('hmm parcel maybe');
    expect(result).toMatchObject({ intent: null, stage: 'below-threshold' });
    expect(result.reason).toMatch(/best "[a-z_]+" at 0\.\d{3} < set in bot.yaml threshold 0\.999/);
  });

  it('asks the provider only about messages the classifier would reject', async () => {
    const judge = provider({ intent: 'greet', confidence: 0.9 });
    const understander = createHybridUnderstander({ bot: bot({ threshold: 0.99 }), classifier, provider: judge, providerMinConfidence: 0.5 });
    const rejected = await understander.understand(outOfScope[0]!);
    expect(rejected).toMatchObject({ intent: 'greet', confidence: 0.9, stage: 'provider' });
    expect(rejected.reason).toContain('test-provider chose it');
    await understander.understand('/goodbye');
    expect(judge.calls).toBe(1);
  });

  it('ignores a provider answer below its minimum confidence, and a provider that fails', async () => {
    const unsure = createHybridUnderstander({ bot: bot({ threshold: 0.99 }), classifier, provider: provider({ intent: 'greet', confidence: 0.2 }), providerMinConfidence: 0.5 });
    expect(await unsure.understand('what is the weather on mars')).toMatchObject({ intent: null, stage: 'below-threshold' });
    const broken = createHybridUnderstander({ bot: bot({ threshold: 0.99 }), classifier, provider: provider(new Error('HTTP 503')) });
    const result = await broken.understand('what is the weather on mars');
    expect(result).toMatchObject({ intent: null, stage: 'below-threshold' });
    expect(result.reason).toContain('HTTP 503');
  });

  it('extracts the bot\'s entities and built-ins on every message', async () => {
    const builtin = { extractNormalised: ({ original: text }: { original: string }) => [{ entity: 'email', value: 'a@b.co', text: 'a@b.co', start: text.indexOf('a@b.co'), end: text.indexOf('a@b.co') + 6, confidence: 1, extractor: 'builtin' }] };
    const result = await createHybridUnderstander({ bot: bot(), classifier, builtinEntities: builtin }).understand('cancel order 12345, mail a@b.co');
    expect(result.entities.map((entity) => entity.entity)).toEqual(expect.arrayContaining(['email']));
    expect(result.entities.map((entity) => entity.start)).toEqual([...result.entities.map((entity) => entity.start)].sort((a, b) => a - b));
  });

  it('uses an intent\'s own threshold over the bot\'s', async () => {
    const text = 'my parcel please';
    const best = classifier.score(text).ranking[0]!;
    expect(best.confidence).toBeLessThan(1);
    expect((await createHybridUnderstander({ bot: bot({ threshold: 0 }), classifier }).understand(text)).intent).toBe(best.intent);
    const own = Number(((best.confidence + 1) / 2).toFixed(6));
    const strict = { ...bot({ threshold: 0 }), intents: shopIntents.map((intent) => (intent.name === best.intent ? { ...intent, threshold: own } : intent)) };
    const result = await createHybridUnderstander({ bot: strict, classifier }).understand(text);
    expect(result).toMatchObject({ intent: null, stage: 'below-threshold' });
    expect(result.reason).toContain(`"${best.intent}"'s own threshold`);
  });

  it('says out-of-scope, not below-threshold, when the oos examples fit best', async () => {
    const withOos = trainIntentClassifier([
      ...shopIntents.flatMap((intent) => intent.examples.map((text) => ({ text, intent: intent.name }))),
      ...['what is the capital of peru', 'sing me a song', 'how tall is a giraffe', 'tell me a joke about cats', 'what is the weather on mars'].map((text) => ({ text, intent: 'oos' })),
    ]);
    const result = await createHybridUnderstander({ bot: bot(), classifier: withOos }).understand('tell me a joke about giraffes');
    expect(result).toMatchObject({ intent: null, stage: 'out-of-scope' });
  });

  it('answers an empty message without asking anyone', async () => {
    const judge = provider({ intent: 'greet', confidence: 1 });
    const result = await createHybridUnderstander({ bot: bot(), classifier, provider: judge }).understand('  ?! ');
    expect(result).toMatchObject({ intent: null, stage: 'out-of-scope', reason: 'the message has no words' });
    expect(judge.calls).toBe(0);
  });
});
