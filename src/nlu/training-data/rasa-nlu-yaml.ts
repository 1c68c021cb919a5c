import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar } from 'yaml';
import type { Document, Node as YamlNode, YAMLMap } from 'yaml';
import type { LabelledExample } from '../intent-classifier.js';
import type { EntityAnnotation } from './entity-annotations.js';
import { stripEntityAnnotations } from './entity-annotations.js';
import type { SourceProblem } from './source-problems.js';
import { excerpt, throwIfProblems } from './source-problems.js';

/** An entity annotation of one example of the result. */
export interface ExampleEntityAnnotation extends EntityAnnotation {
  /** Index into `examples`. */
  readonly example: number;
}

/** `- synonym: value` with its examples: texts that all mean `value`. */
export interface RasaSynonym {
  readonly value: string;
  readonly synonyms: string[];
}

/** `- regex: name`: patterns as written (Rasa's dialect is Python's; they are not compiled here). */
export interface RasaRegex {
  readonly name: string;
  readonly patterns: string[];
}

/** `- lookup: name`: a list of values. */
export interface RasaLookup {
  readonly name: string;
  readonly values: string[];
}

export interface RasaNluData {
  /** Intent examples with the entity markup removed, in file order. */
  readonly examples: LabelledExample[];
  readonly entities: ExampleEntityAnnotation[];
  /** Items of the same kind and name are merged, in order of first appearance. */
  readonly synonyms: RasaSynonym[];
  readonly regexes: RasaRegex[];
  readonly lookups: RasaLookup[];
}

type ItemKind = 'intent' | 'synonym' | 'regex' | 'lookup';
const itemKinds: readonly ItemKind[] = ['intent', 'synonym', 'regex', 'lookup'];
const allowedKeys: Record<ItemKind, readonly string[]> = {
  intent: ['intent', 'examples', 'metadata'],
  synonym: ['synonym', 'examples'],
  regex: ['regex', 'examples'],
  lookup: ['lookup', 'examples'],
};

interface ExampleLine {
  readonly text: string;
  readonly line: number;
}

/**
 * Reads the NLU part of a Rasa 2.x/3.x training data file (`version: "3.1"`, `nlu:` items with
 * `intent:`, `synonym:`, `regex:` or `lookup:` and their `examples:`). Intent examples are either
 * a `|` block of `- ` lines or a list of `- text:` entries (with optional `metadata`, ignored).
 * Entity markup is stripped from intent examples and returned in `entities`. Other top-level
 * keys of a Rasa file (`stories`, `rules`, …) are ignored. Inside an examples block, blank lines
 * and lines starting with `#` are skipped. Every problem is reported with its line in one
 * ParleyError `PARLEY_BOT_INVALID`.
 */
export function readRasaNluYaml(text: string, source: string): RasaNluData {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const problems: SourceProblem[] = [];
  for (const error of document.errors) {
    problems.push({ line: lineCounter.linePos(error.pos[0]).line, message: `YAML: ${error.message}` });
  }
  throwIfProblems(source, problems);

  const reader = new RasaReader(document, lineCounter, problems);
  const data = reader.read();
  throwIfProblems(source, problems);
  return data;
}

class RasaReader {
  private readonly examples: LabelledExample[] = [];
  private readonly entities: ExampleEntityAnnotation[] = [];
  private readonly synonyms = new Map<string, string[]>();
  private readonly regexes = new Map<string, string[]>();
  private readonly lookups = new Map<string, string[]>();

  constructor(
    private readonly document: Document.Parsed,
    private readonly lineCounter: LineCounter,
    private readonly problems: SourceProblem[],
  ) {}

  read(): RasaNluData {
    const root = this.resolve(this.document.contents);
    if (root !== null && !(isScalar(root) && root.value === null)) {
      if (!isMap(root)) {
        this.problem(root, 'expected a map with "version" and "nlu" at the top of the file');
      } else {
        this.readVersion(root);
        const nlu = this.resolve(root.get('nlu', true));
        if (nlu !== null && !(isScalar(nlu) && nlu.value === null)) {
          if (!isSeq(nlu)) this.problem(nlu, '"nlu" must be a list of items such as "- intent: greet"');
          else for (const item of nlu.items) this.readItem(this.resolve(item));
        }
      }
    }
    return {
      examples: this.examples,
      entities: this.entities,
      synonyms: [...this.synonyms].map(([value, synonyms]) => ({ value, synonyms })),
      regexes: [...this.regexes].map(([name, patterns]) => ({ name, patterns })),
      lookups: [...this.lookups].map(([name, values]) => ({ name, values })),
    };
  }

  private readVersion(root: YAMLMap): void {
    const node = this.resolve(root.get('version', true));
    if (node === null) return;
    const version = isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : null;
    if (version === null || !/^[23](\.\d+)*$/.test(version.trim())) {
      this.problem(node, `version ${version === null ? 'must be text such as "3.1"' : `"${version}" is not supported`}: this reader understands Rasa 2.x and 3.x training data`);
    }
  }

  private readItem(item: YamlNode | null): void {
    if (!isMap(item)) {
      this.problem(item, 'each "nlu" item must be a map such as "- intent: greet" with "examples:"');
      return;
    }
    const keys = item.items.map((pair) => ({ name: isScalar(pair.key) ? String(pair.key.value) : '', node: pair.key as YamlNode | null }));
    const kinds = itemKinds.filter((kind) => keys.some((key) => key.name === kind));
    if (kinds.length !== 1) {
      this.problem(
        item,
        kinds.length === 0
          ? 'an "nlu" item needs one of "intent", "synonym", "regex" or "lookup"'
          : `an "nlu" item has one kind, not ${kinds.map((kind) => `"${kind}"`).join(' and ')}: split it in two`,
      );
      return;
    }
    const kind = kinds[0]!;
    for (const key of keys) {
      if (!allowedKeys[kind].includes(key.name)) {
        this.problem(key.node ?? item, `unknown key "${key.name}" in this item (allowed with "${kind}": ${allowedKeys[kind].join(', ')})`);
      }
    }
    const nameNode = this.resolve(item.get(kind, true));
    const name = isScalar(nameNode) && (typeof nameNode.value === 'string' || typeof nameNode.value === 'number') ? String(nameNode.value).trim() : '';
    if (name === '') {
      this.problem(nameNode ?? item, `"${kind}" must name the ${kind === 'intent' ? 'intent' : kind === 'synonym' ? 'value' : kind}`);
      return;
    }
    const examplesNode = this.resolve(item.get('examples', true));
    if (examplesNode === null) {
      this.problem(item, `${kind} "${name}" has no "examples"`);
      return;
    }
    const problemsBefore = this.problems.length;
    const lines = kind === 'intent' && isSeq(examplesNode) ? this.textEntries(examplesNode.items) : this.blockLines(examplesNode, kind, name);
    if (lines === null) return;
    // "No examples" only when none was written, not when all of them were wrong.
    if (lines.length === 0 && this.problems.length === problemsBefore) {
      this.problem(examplesNode, `${kind} "${name}" has no examples`);
      return;
    }
    switch (kind) {
      case 'intent':
        for (const line of lines) this.addIntentExample(name, line);
        return;
      case 'synonym':
        append(this.synonyms, name, lines);
        return;
      case 'regex':
        append(this.regexes, name, lines);
        return;
      case 'lookup':
        append(this.lookups, name, lines);
        return;
    }
  }

  private addIntentExample(intent: string, line: ExampleLine): void {
    const stripped = stripEntityAnnotations(line.text);
    for (const message of stripped.problems) this.problems.push({ line: line.line, message });
    if (stripped.problems.length > 0) return;
    const example = this.examples.length;
    this.examples.push({ text: stripped.text, intent });
    for (const annotation of stripped.annotations) this.entities.push({ example, ...annotation });
  }

  /** `examples: |` followed by `- ` lines; in a literal block, value line i is source line header + 1 + i. */
  private blockLines(node: YamlNode, kind: ItemKind, name: string): ExampleLine[] | null {
    if (!isScalar(node) || typeof node.value !== 'string') {
      this.problem(node, `the examples of ${kind} "${name}" must be a "|" block of "- " lines`);
      return null;
    }
    const headerLine = this.lineOf(node);
    const literal = node.type === Scalar.BLOCK_LITERAL;
    const lines: ExampleLine[] = [];
    node.value.split('\n').forEach((raw, index) => {
      const line = literal ? headerLine + 1 + index : headerLine;
      const trimmed = raw.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      if (!trimmed.startsWith('-')) {
        this.problems.push({ line, message: `an example line must start with "- ", found ${excerpt(trimmed)}` });
        return;
      }
      const text = trimmed.slice(1).trim();
      if (text === '') this.problems.push({ line, message: 'empty example after "-"' });
      else lines.push({ text, line });
    });
    return lines;
  }

  /** `examples:` as a list of `- text: …` entries, each with optional `metadata`. */
  private textEntries(items: readonly unknown[]): ExampleLine[] {
    const lines: ExampleLine[] = [];
    for (const raw of items) {
      const entry = this.resolve(raw);
      if (!isMap(entry) || !entry.has('text')) {
        this.problem(entry, 'each entry of an examples list must be a map with "text" (and optionally "metadata")');
        continue;
      }
      for (const pair of entry.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (key !== 'text' && key !== 'metadata') this.problem(pair.key as YamlNode, `unknown key "${key}" in an example (allowed: text, metadata)`);
      }
      const textNode = this.resolve(entry.get('text', true));
      const text = isScalar(textNode) && typeof textNode.value === 'string' ? textNode.value.trim() : '';
      const blockStart = isScalar(textNode) && (textNode.type === Scalar.BLOCK_LITERAL || textNode.type === Scalar.BLOCK_FOLDED) ? 1 : 0;
      if (text === '') this.problem(textNode ?? entry, '"text" must be a non-empty string');
      else lines.push({ text, line: this.lineOf(textNode) + blockStart });
    }
    return lines;
  }

  /** The node itself, or what an alias (`*name`) points at. */
  private resolve(node: unknown): YamlNode | null {
    let current = (node ?? null) as YamlNode | null;
    for (let depth = 0; depth < 100 && isAlias(current); depth += 1) current = current.resolve(this.document) ?? null;
    return current;
  }

  private lineOf(node: YamlNode | null): number {
    return node?.range ? this.lineCounter.linePos(node.range[0]).line : 1;
  }

  private problem(node: YamlNode | null, message: string): void {
    this.problems.push({ line: this.lineOf(node), message });
  }
}

function append(target: Map<string, string[]>, name: string, lines: readonly ExampleLine[]): void {
  const list = target.get(name) ?? [];
  list.push(...lines.map((line) => line.text));
  target.set(name, list);
}
