import { describe, expect, it } from 'vitest';
import type { BotProblem } from '../../src/bot/index.js';
import { formatProblems, summarizeProblems } from '../../src/bot/index.js';

const problems: BotProblem[] = [
  { severity: 'error', file: 'flows/order.yaml', line: 12, column: 5, message: 'flow "order_status" uses unknown response "order_foud"', hint: 'did you mean "order_found"?' },
  { severity: 'warning', file: 'intents/smalltalk.yaml', line: 3, column: 5, message: 'intent "thanks" has only 1 example and no patterns', hint: 'add more varied examples' },
];

describe('formatProblems', () => {
  it('prints file:line:column, severity, message and an indented hint', () => {
    expect(formatProblems('bots/shop', problems)).toBe(
      [
        'bots/shop/flows/order.yaml:12:5 error: flow "order_status" uses unknown response "order_foud"',
        '    hint: did you mean "order_found"?',
        'bots/shop/intents/smalltalk.yaml:3:5 warning: intent "thanks" has only 1 example and no patterns',
        '    hint: add more varied examples',
      ].join('\n'),
    );
  });

  it('does not double a trailing slash and names the folder itself for folder problems', () => {
    const folderProblem: BotProblem = { severity: 'error', file: '.', line: 1, column: 1, message: 'the bot folder does not exist', hint: 'check the path' };
    expect(formatProblems('bots/shop/', [problems[0]!, folderProblem]).split('\n')).toEqual([
      'bots/shop/flows/order.yaml:12:5 error: flow "order_status" uses unknown response "order_foud"',
      '    hint: did you mean "order_found"?',
      'bots/shop:1:1 error: the bot folder does not exist',
      '    hint: check the path',
    ]);
  });

  it('prints nothing for no problems', () => {
    expect(formatProblems('bots/shop', [])).toBe('');
  });
});

describe('summarizeProblems', () => {
  it('counts errors and warnings', () => {
    expect(summarizeProblems(problems)).toBe('1 error and 1 warning');
    expect(summarizeProblems([problems[0]!, problems[0]!])).toBe('2 errors');
    expect(summarizeProblems([])).toBe('no problems');
  });
});
