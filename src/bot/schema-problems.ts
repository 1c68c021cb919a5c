import type { z } from 'zod';
import type { BotProblem } from './bot-problem.js';
import { closestName, didYouMean, listNames } from './did-you-mean.js';
import { describeExpected, describeValue, fieldName, quote, toIdentifier } from './describe-value.js';
import { fieldHints } from './field-hints.js';
import { allowedKeys, schemaAt, valueAt } from './schema-walker.js';
import type { DataPath, Position, SourceFile } from './source-file.js';
import { isFlowMapAt, keyPosition, sourceTextAt, valuePosition } from './source-file.js';
import { stepKindKeys, stepKindOf } from './step-kind.js';

type Issue = z.core.$ZodIssue;

interface Context {
  readonly file: SourceFile;
  readonly root: z.ZodType;
}

const identifierPattern = '/^[a-z][a-z0-9_]*$/';

/**
 * Validates a file's data against its schema and turns every zod issue into a problem at the
 * YAML node it concerns, with a hint written for the author.
 */
export function schemaProblems(file: SourceFile, schema: z.ZodType): BotProblem[] {
  const context: Context = { file, root: schema };
  if (file.data === undefined || file.data === null) {
    return [
      {
        severity: 'error',
        file: file.path,
        line: 1,
        column: 1,
        message: 'the file is empty',
        hint: `write a mapping with ${describeKeys(allowedKeys(schema))}`,
      },
    ];
  }
  const result = schema.safeParse(file.data);
  return result.success ? [] : result.error.issues.flatMap((issue) => issueProblems(context, issue, []));
}

function issueProblems(context: Context, issue: Issue, base: DataPath): BotProblem[] {
  const path: DataPath = [...base, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => unknownKey(context, path, key));
    case 'invalid_type':
      return [wrongType(context, path, issue.expected)];
    case 'invalid_union':
      return union(context, path, issue);
    case 'invalid_format':
      return [badFormat(context, path, issue)];
    case 'invalid_key':
      return [badKey(context, path, issue.issues[0]?.message ?? issue.message)];
    case 'invalid_value':
      return [
        at(context, valuePosition(context.file, path), {
          message: `${quote(fieldName(path))} cannot be ${describeValue(valueAt(context.file.data, path))}`,
          hint: `use ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}`,
        }),
      ];
    case 'too_small':
      return [tooSmall(context, path, issue.origin, Number(issue.minimum))];
    case 'too_big':
      return [
        at(context, valuePosition(context.file, path), {
          message:
            issue.origin === 'array'
              ? `${quote(fieldName(path))} has more than ${issue.maximum} items`
              : `${quote(fieldName(path))} must be at most ${issue.maximum}`,
          hint: issue.origin === 'array' ? `keep at most ${issue.maximum} items` : `use a value of at most ${issue.maximum}`,
        }),
      ];
    default:
      return [
        at(context, valuePosition(context.file, path), {
          message: `${quote(fieldName(path))}: ${issue.message}`,
          hint: 'check this value against the bot folder reference in docs/',
        }),
      ];
  }
}

function unknownKey(context: Context, path: DataPath, key: string): BotProblem {
  const allowed = allowedKeys(schemaAt(context.root, path, context.file.data)) ?? [];
  let hint: string;
  if (isStepPath(path) && stepKindKeys.includes(key)) {
    hint = `a step does one thing: move "${key}" to a step of its own`;
  } else {
    const suggestion = closestName(key, allowed);
    const list = listNames(allowed);
    hint = suggestion === undefined ? `remove it; allowed keys here: ${list}` : `did you mean "${suggestion}"? Allowed keys here: ${list}`;
  }
  return at(context, keyPosition(context.file, [...path, key]), { message: `unknown key ${quote(key)}`, hint });
}

function wrongType(context: Context, path: DataPath, expected: string): BotProblem {
  const { file } = context;
  const value = valueAt(file.data, path);
  const key = path.at(-1);
  const field = fieldName(path);
  if (value === undefined && typeof key === 'string') {
    const purpose = fieldHints[key];
    return at(context, valuePosition(file, path.slice(0, -1)), {
      message: `missing ${quote(key)}`,
      hint: `add "${key}:" here with ${purpose ?? describeExpected(expected)}`,
    });
  }
  if (expected === 'string' && isFlowMapAt(file, path)) {
    const written = sourceTextAt(file, path) ?? '{…}';
    return at(context, valuePosition(file, path), {
      message: `${quote(field)} should be text, but YAML read ${written} as a mapping because it starts with "{"`,
      hint: `put the value in quotes: ${typeof key === 'string' ? `${key}: ` : ''}"${written.replace(/"/g, '\\"')}"`,
    });
  }
  if (path.length === 0) {
    return at(context, { line: 1, column: 1 }, {
      message: `the file should be ${describeExpected(expected)}, found ${describeValue(value)}`,
      hint: `write a mapping with ${describeKeys(allowedKeys(context.root))}`,
    });
  }
  if (value === null) {
    return at(context, valuePosition(file, path), {
      message: `${quote(field)} is empty`,
      hint: `write ${describeExpected(expected)} here${typeof key === 'string' && fieldHints[key] ? ` (${fieldHints[key]})` : ''}, or remove the key`,
    });
  }
  return at(context, valuePosition(file, path), {
    message: `${quote(field)} should be ${describeExpected(expected)}, found ${describeValue(value)}`,
    hint: typeHint(expected, value),
  });
}

function typeHint(expected: string, value: unknown): string {
  switch (expected) {
    case 'array':
      return typeof value === 'string'
        ? `write a list: put the value on its own line as a list item, "- ${value}"`
        : 'write a list: one item per line starting with "- ", or [a, b]';
    case 'string':
      return typeof value === 'number' || typeof value === 'boolean'
        ? `put it in quotes to make it text: "${String(value)}"`
        : 'write text here; quote it if it contains : # { } [ ]';
    case 'object':
    case 'record':
      return 'write a mapping: "key: value" lines, indented under this key';
    case 'number':
    case 'int':
      return 'write a number without quotes, e.g. 0.5';
    case 'boolean':
      return 'write true or false without quotes';
    default:
      return `write ${describeExpected(expected)} here`;
  }
}

function union(context: Context, path: DataPath, issue: Extract<Issue, { code: 'invalid_union' }>): BotProblem[] {
  const { file } = context;
  const value = valueAt(file.data, path);
  if (issue.discriminator !== undefined) {
    const options = ('options' in issue ? (issue.options ?? []) : []).map(String);
    if (value === undefined) {
      return [
        at(context, valuePosition(file, path.slice(0, -1)), {
          message: `missing ${quote(issue.discriminator)}`,
          hint: `add "${issue.discriminator}:" with one of: ${options.join(', ')}`,
        }),
      ];
    }
    const suggestion = typeof value === 'string' ? didYouMean(value, options) : undefined;
    return [
      at(context, valuePosition(file, path), {
        message: `unknown ${issue.discriminator} ${describeValue(value).replace(/^the text /, '')}`,
        hint: suggestion === undefined ? `use one of: ${options.join(', ')}` : `${suggestion} Use one of: ${options.join(', ')}`,
      }),
    ];
  }
  if (isStepPath(path)) return stepProblems(context, path, value);
  const expected = [...new Set(issue.errors.flat().flatMap((inner) => (inner.code === 'invalid_type' ? [describeExpected(inner.expected)] : [])))];
  return [
    at(context, valuePosition(file, path), {
      message: `${quote(fieldName(path))} cannot be ${describeValue(value)}`,
      hint: expected.length > 0 ? `use ${expected.join(' or ')}` : 'check this value against the bot folder reference in docs/',
    }),
  ];
}

function isStepPath(path: DataPath): boolean {
  return path.length >= 2 && path.at(-2) === 'steps' && typeof path.at(-1) === 'number';
}

/** Validates a step against the one shape its action key selects, so the author sees only relevant issues. */
function stepProblems(context: Context, path: DataPath, step: unknown): BotProblem[] {
  const position = valuePosition(context.file, path);
  const kinds = stepKindKeys.join(', ');
  if (typeof step !== 'object' || step === null || Array.isArray(step)) {
    const example = typeof step === 'string' ? `"- say: ${step}"` : '"- say: greet"';
    return [at(context, position, { message: `a step should be a mapping, found ${describeValue(step)}`, hint: `write e.g. ${example}; a step is one of: ${kinds}` })];
  }
  const kind = stepKindOf(step);
  if (kind === undefined) {
    const typo = Object.keys(step)
      .map((key) => ({ key, suggestion: closestName(key, stepKindKeys) }))
      .find((candidate) => candidate.suggestion !== undefined);
    return [
      at(context, position, {
        message: 'this step has no action',
        hint:
          typo === undefined
            ? `start the step with one of: ${kinds}`
            : `did you mean "${typo.suggestion}" instead of "${typo.key}"? A step is one of: ${kinds}`,
      }),
    ];
  }
  const result = kind.schema.safeParse(step);
  return result.success ? [] : result.error.issues.flatMap((issue) => issueProblems(context, issue, path));
}

function badFormat(context: Context, path: DataPath, issue: Extract<Issue, { code: 'invalid_format' }>): BotProblem {
  const value = valueAt(context.file.data, path);
  const text = typeof value === 'string' ? value : String(value);
  const isIdentifier = issue.pattern === identifierPattern;
  return at(context, valuePosition(context.file, path), {
    message: isIdentifier ? `${quote(text)} is not a valid name for ${quote(fieldName(path))}` : `${quote(fieldName(path))} has an invalid format: ${quote(text)}`,
    hint: isIdentifier ? `${issue.message}, e.g. "${toIdentifier(text)}"` : issue.message,
  });
}

function badKey(context: Context, path: DataPath, reason: string): BotProblem {
  const key = String(path.at(-1));
  return at(context, keyPosition(context.file, path), {
    message: `${quote(key)} is not a valid name`,
    hint: `${reason}, e.g. "${toIdentifier(key)}"`,
  });
}

function tooSmall(context: Context, path: DataPath, origin: string, minimum: number): BotProblem {
  const field = quote(fieldName(path));
  const position = valuePosition(context.file, path);
  if (origin === 'array') {
    const key = path.at(-1);
    const purpose = typeof key === 'string' ? fieldHints[key] : undefined;
    return at(context, position, {
      message: `${field} needs at least ${minimum} item${minimum === 1 ? '' : 's'}`,
      hint: `add ${minimum === 1 ? 'an item' : `${minimum} items`}${purpose === undefined ? '' : ` (${purpose})`}`,
    });
  }
  if (origin === 'string') return at(context, position, { message: `${field} is empty`, hint: 'write some text here, or remove the key' });
  return at(context, position, { message: `${field} must be at least ${minimum}`, hint: `use a value of at least ${minimum}` });
}

function describeKeys(keys: readonly string[] | undefined): string {
  return keys === undefined || keys.length === 0 ? 'the documented keys' : `the keys: ${keys.join(', ')}`;
}

function at(context: Context, position: Position, text: { message: string; hint: string }): BotProblem {
  return { severity: 'error', file: context.file.path, line: position.line, column: position.column, ...text };
}
