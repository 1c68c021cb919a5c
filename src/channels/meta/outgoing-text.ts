import { fallbackOf, type OutgoingMessage } from '../../core/index.js';

/** The message's text followed by each element's plain-text fallback (buttons go separately). */
export function bodyTextOf(message: OutgoingMessage): string {
  return [message.text, ...(message.elements ?? []).map(fallbackOf)].join('\n\n');
}

/** `text` cut to `max` characters, with an ellipsis when cut (never inside a surrogate pair). */
export function shorten(text: string, max: number): string {
  const characters = [...text];
  if (characters.length <= max) return text;
  return characters.slice(0, max - 1).join('').trimEnd() + '…';
}
