/**
 * Hints for YAML syntax errors. The parser's message says what it saw; the hint says what the
 * author most likely meant, which for bot files is nearly always one of a few slips.
 */
export function yamlSyntaxHint(code: string, sourceLine: string): string {
  // Only a value that opens with a placeholder: a genuine `{ a: b }` mapping deserves the generic hint.
  const braceValue = /:\s*(\{[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*\}.*)$/i.exec(sourceLine.trim());
  if (braceValue && code !== 'DUPLICATE_KEY') {
    return `a value that starts with "{" is read as a YAML mapping: put the whole text in quotes, e.g. "${braceValue[1]!.replace(/"/g, '\\"')}"`;
  }
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each key may appear only once in a mapping: remove or rename the repeated one';
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    case 'BAD_DQ_ESCAPE':
      return 'inside double quotes a backslash starts an escape; write regular expressions in single quotes, e.g. \'^\\d{5}$\'';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return 'check the indentation and punctuation here: items of one list or mapping start in the same column, list items start with "- ", and text containing ": " or " #" must be quoted';
    case 'MULTIPLE_DOCS':
      return 'a bot file holds one YAML document: remove the "---" separator';
    case 'TAG_RESOLVE_FAILED':
      return 'custom YAML tags (!something) are not supported: remove the tag';
    default:
      return 'fix the YAML syntax here; quoting a value helps when it contains : # { } [ ] or starts with * & ! | > % @';
  }
}
