import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../../src/core/index.js';
import { readJsonlExamples } from '../../../src/nlu/training-data/index.js';
import { problemsOf } from './problem-lines.js';

describe('readJsonlExamples', () => {
  it('reads one example a line, skipping blank lines and ignoring extra keys', () => {
    const text = [
      '{"text":"how would you say fly in italian","intent":"translate"}',
      '',
      '   ',
      '{"text":"how much has the dow changed today","intent":"oos","id":7,"source":"clinc"}',
      '',
    ].join('\n');
    expect(readJsonlExamples(text, 'train.jsonl')).toEqual([
      { text: 'how would you say fly in italian', intent: 'translate' },
      { text: 'how much has the dow changed today', intent: 'oos' },
    ]);
  });

  it('accepts CRLF line ends and a byte-order mark', () => {
    expect(readJsonlExamples('\uFEFF{"text":"hi","intent":"greet"}\r\n{"text":"bye","intent":"goodbye"}\r\n', 'x.jsonl')).toEqual([
      { text: 'hi', intent: 'greet' },
      { text: 'bye', intent: 'goodbye' },
    ]);
  });

  it('reads an empty file as no examples', () => {
    expect(readJsonlExamples('', 'empty.jsonl')).toEqual([]);
    expect(readJsonlExamples('\n\n', 'empty.jsonl')).toEqual([]);
  });

  it('reports every bad line with its number', () => {
    const text = [
      '{"text":"fine","intent":"greet"}', // 1
      'not json', // 2
      '', // 3
      '["text","intent"]', // 4
      '{"text":"","intent":"greet"}', // 5
      '{"intent":"greet"}', // 6
      '{"text":"hello","intent":3}', // 7
      '{"text":"hello","intent":"  "}', // 8
      '{"text":"hello"', // 9
      'null', // 10
      '{"text":"also fine","intent":"greet"}', // 11
    ].join('\n');
    const problems = problemsOf(() => readJsonlExamples(text, 'data/train.jsonl'), 'data/train.jsonl');
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['2', '4', '5', '6', '7', '8', '9', '10']);
    expect(problems[0]).toMatch(/^2: invalid JSON \(/);
    expect(problems.slice(1, 7)).toEqual([
      '4: expected an object such as {"text": "…", "intent": "…"}',
      '5: "text" is empty',
      '6: "text" is missing',
      '7: "intent" must be a string',
      '8: "intent" is empty',
      expect.stringMatching(/^9: invalid JSON/),
    ]);
  });

  it('reports both fields of one line', () => {
    expect(problemsOf(() => readJsonlExamples('{"other":1}', 'a.jsonl'), 'a.jsonl')).toEqual(['1: "text" is missing', '1: "intent" is missing']);
  });

  it('lists at most 20 problems, then how many more, and carries the count', () => {
    const text = Array.from({ length: 25 }, (_, index) => `bad ${index}`).join('\n');
    let caught: unknown;
    try {
      readJsonlExamples(text, 'many.jsonl');
    } catch (error) {
      caught = error;
    }
    expect(isParleyError(caught, 'PARLEY_BOT_INVALID')).toBe(true);
    const error = caught as Error & { details: Record<string, unknown> };
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('many.jsonl: 25 problems in the training data:');
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines[20]).toMatch(/^ {2}many\.jsonl:20: invalid JSON/);
    expect(lines[21]).toBe('  and 5 more');
    expect(error.details).toMatchObject({ source: 'many.jsonl', problemCount: 25 });
  });
});
