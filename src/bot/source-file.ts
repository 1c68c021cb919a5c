import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { BotProblem, ProblemSeverity } from './bot-problem.js';
import { yamlSyntaxHint } from './yaml-syntax-hint.js';

/** A path into a parsed file, as zod reports it. */
export type DataPath = readonly PropertyKey[];

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** One YAML (or JSON) file of the bot folder, kept parsed so any problem can point into it. */
export interface SourceFile {
  /** Relative to the bot folder, forward slashes. */
  readonly path: string;
  readonly text: string;
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** False when the YAML has syntax errors: its data cannot be trusted for cross-checks. */
  readonly syntaxOk: boolean;
  /** The plain data, or undefined for an empty file. */
  readonly data: unknown;
}

export function parseSourceFile(path: string, text: string): { file: SourceFile; problems: BotProblem[] } {
  const lineCounter = new LineCounter();
  // prettyErrors off: the message stays one line; the position comes from the line counter.
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const problems: BotProblem[] = [];
  const lines = text.split(/\r?\n/);
  for (const [severity, errors] of [
    ['error', document.errors],
    ['warning', document.warnings],
  ] as const) {
    for (const error of errors) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      problems.push({
        severity: severity satisfies ProblemSeverity,
        file: path,
        line,
        column: col,
        message: `YAML: ${error.message}`,
        hint: yamlSyntaxHint(error.code, lines[line - 1] ?? ''),
      });
    }
  }
  const data: unknown = document.contents === null ? undefined : document.toJS({ maxAliasCount: 1000 });
  const file = { path, text, document, lineCounter, syntaxOk: document.errors.length === 0, data };
  return { file, problems };
}

/** The YAML node at `path`, or the nearest ancestor that exists (a missing key points at its map). */
export function nodeAt(file: SourceFile, path: DataPath): YamlNode | null {
  let node = resolve(file, file.document.contents);
  for (const segment of path) {
    const child = childNode(file, node, segment);
    if (child === undefined) break;
    node = child;
  }
  return node;
}

/** Where the key of the last path segment is written, e.g. to point at an unknown key itself. */
export function keyPosition(file: SourceFile, path: DataPath): Position {
  const parent = nodeAt(file, path.slice(0, -1));
  const key = path.at(-1);
  if (isMap(parent) && key !== undefined) {
    const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
    if (pair && isScalar(pair.key) && pair.key.range) return offsetPosition(file, pair.key.range[0]);
  }
  return valuePosition(file, path);
}

export function valuePosition(file: SourceFile, path: DataPath): Position {
  const node = nodeAt(file, path);
  return node?.range ? offsetPosition(file, node.range[0]) : { line: 1, column: 1 };
}

/** The source text of the node at `path` exactly as written, e.g. `{order_number}` before YAML read it as a map. */
export function sourceTextAt(file: SourceFile, path: DataPath): string | undefined {
  const node = nodeAt(file, path);
  if (!node?.range) return undefined;
  return file.text.slice(node.range[0], node.range[1]).trim();
}

/** True when the node at exactly `path` is a `{ … }` mapping written inline. */
export function isFlowMapAt(file: SourceFile, path: DataPath): boolean {
  let node = resolve(file, file.document.contents);
  for (const segment of path) {
    const child = childNode(file, node, segment);
    if (child === undefined) return false;
    node = child;
  }
  return isMap(node) && node.flow === true;
}

function offsetPosition(file: SourceFile, offset: number): Position {
  const { line, col } = file.lineCounter.linePos(offset);
  return { line, column: col };
}

function childNode(file: SourceFile, node: YamlNode | null, segment: PropertyKey): YamlNode | null | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
    if (!pair) return undefined;
    // `key:` with nothing after it has no value node worth pointing at; the key is the place.
    const value = resolve(file, pair.value as YamlNode | null);
    return value?.range ? value : (pair.key as YamlNode | null);
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item === undefined ? undefined : resolve(file, item as YamlNode | null);
  }
  return undefined;
}

function resolve(file: SourceFile, node: YamlNode | null): YamlNode | null {
  if (isAlias(node)) return (node.resolve(file.document) as YamlNode | undefined) ?? node;
  return node;
}
