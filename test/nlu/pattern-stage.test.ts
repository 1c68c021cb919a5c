import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../src/core/index.js';
import { createPatternStage, createPayloadStage, normalise } from '../../src/nlu/index.js';

describe('pattern stage', () => {
  it('decides with confidence 1 and names the pattern', () => {
    const stage = createPatternStage([{ name: 'track_order', patterns: ['^track (my )?order\\b'] }]);
    expect(stage.decide(normalise('Track my ORDER please'))).toEqual({
      intent: 'track_order',
      confidence: 1,
      stage: 'pattern',
      reason: 'pattern /^track (my )?order\\b/ of intent "track_order" matched',
    });
    expect(stage.decide(normalise('please track my order'))).toBeNull();
  });

  it('matches the normalised text, so case, accents, width and curly quotes do not matter', () => {
    const stage = createPatternStage([
      { name: 'coffee', patterns: ['\\bcafé\\b'] },
      { name: 'where', patterns: ['^where’s\\b'] },
    ]);
    expect(stage.decide(normalise('One CAFE please'))?.intent).toBe('coffee');
    expect(stage.decide(normalise('ｃａｆé au lait'))?.intent).toBe('coffee');
    expect(stage.decide(normalise("Where's my parcel"))?.intent).toBe('where');
  });

  it('lets the first intent written win when several match', () => {
    const stage = createPatternStage([
      { name: 'first', patterns: ['x', 'order'] },
      { name: 'second', patterns: ['order'] },
    ]);
    expect(stage.decide('my order')?.intent).toBe('first');
    expect(stage.decide('my order')?.reason).toContain('/order/');
  });

  it('accepts patterns that are only valid outside unicode mode', () => {
    const stage = createPatternStage([{ name: 'dash', patterns: ['a\\-b'] }]);
    expect(stage.decide('a-b')?.intent).toBe('dash');
  });

  it('rejects an invalid pattern at construction with the intent named', () => {
    let caught: unknown;
    try {
      createPatternStage([{ name: 'broken', patterns: ['(unclosed'] }]);
    } catch (error) {
      caught = error;
    }
    expect(isParleyError(caught, 'PARLEY_BOT_INVALID')).toBe(true);
    expect((caught as Error).message).toContain('intent "broken"');
  });

  it('never decides on an empty message', () => {
    const stage = createPatternStage([{ name: 'anything', patterns: ['.*'] }]);
    expect(stage.decide('')).toBeNull();
  });
});

describe('payload stage', () => {
  const stage = createPayloadStage([{ name: 'greet' }, { name: 'track_order' }]);

  it('decides the intent a /payload names', () => {
    expect(stage.decide(normalise('/track_order'))).toEqual({
      intent: 'track_order',
      confidence: 1,
      stage: 'payload',
      reason: 'payload "/track_order" names intent "track_order"',
    });
    expect(stage.decide(normalise('  /Greet  '))?.intent).toBe('greet');
  });

  it('leaves unknown payloads and ordinary text to the other stages', () => {
    expect(stage.decide(normalise('/cancel_order'))).toBeNull();
    expect(stage.decide(normalise('/greet now'))).toBeNull();
    expect(stage.decide(normalise('greet'))).toBeNull();
    expect(stage.decide('')).toBeNull();
  });
});
