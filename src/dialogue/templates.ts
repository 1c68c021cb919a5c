/**
 * Response templates: `{slot}` or `{slot.path}` placeholders filled from the conversation's slots.
 * A missing value renders as an empty string rather than the raw placeholder, so a user never
 * sees template syntax; the bot validator warns about placeholders no flow ever fills.
 */

const PLACEHOLDER = /\{([a-z][a-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\}/g;

export function lookupPath(values: Readonly<Record<string, unknown>>, path: string): unknown {
  let current: unknown = values;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function display(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(display).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function renderTemplate(template: string, values: Readonly<Record<string, unknown>>): string {
  return template.replace(PLACEHOLDER, (_match, path: string) => display(lookupPath(values, path)));
}
