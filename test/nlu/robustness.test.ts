import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBrain, loadBot } from '../../src/engine/index.js';
import { trainIntentClassifier } from '../../src/nlu/index.js';
import { seededRandom } from '../../src/nlu/sampling/index.js';
import { examplesFromBot } from '../../src/nlu/training-data/index.js';
import { repoRoot } from '../support/server-process.js';

/** Whatever a user sends, understanding answers: no input makes it throw. */
describe('understanding arbitrary input', () => {
  it('never throws, and every entity span points into the message', async () => {
    const bot = await loadBot({ PARLEY_BOT: resolve(repoRoot, 'bots/shop') });
    const { understander } = buildBrain(bot, trainIntentClassifier(examplesFromBot(bot.intents)));
    const random = seededRandom(2026);
    const pieces = ['tomorrow', 'at', '5pm', '$', '€', '12,50', 'EUR', '+44', '(202)', '555-0143', 'next', 'friday', '@', 'example.com', 'http://', '١٢٣', 'ｆｕｌｌ', 'e\u0301', '\u200b', '🙂', '\n', '\t', '%', '[', ']', '(', ')', '*', '\\', '"', "'", 'twenty', 'first', '1st', '31/02/2026', '25:99', 'midnight', '-', '.', ',', '0', '99999999999999999999', ' '];
    const texts: string[] = ['', ' ', '\u0000', 'x'.repeat(4000), '9'.repeat(300), 'a b '.repeat(500)];
    for (let i = 0; i < 1500; i += 1) {
      const length = 1 + Math.floor(random() * 12);
      let text = '';
      for (let j = 0; j < length; j += 1) {
        text += random() < 0.8 ? pieces[Math.floor(random() * pieces.length)] : String.fromCodePoint(Math.floor(random() * 0x2fff));
        if (random() < 0.6) text += ' ';
      }
      texts.push(text);
    }
    for (const text of texts) {
      const result = await understander.understand(text);
      expect(result.confidence).toBeGreaterThanOrEqual(0);
      expect(result.confidence).toBeLessThanOrEqual(1);
      for (const entity of result.entities) {
        expect(entity.start).toBeGreaterThanOrEqual(0);
        expect(entity.end).toBeLessThanOrEqual(text.length);
        expect(text.slice(entity.start, entity.end)).toBe(entity.text);
      }
    }
  });
});
