import { createHash } from 'node:crypto';
import type { OutgoingMessage, ResponseVariation } from '../core/index.js';
import { renderButton, renderElements } from './rich-elements.js';
import { renderTemplate } from './templates.js';

/**
 * Chooses among a response's variations. The choice is a hash of the turn id and the response
 * name, not Math.random, so a replayed turn says exactly what it said the first time.
 */
export function pickVariation(variations: readonly ResponseVariation[], turnId: string, responseName: string): ResponseVariation {
  if (variations.length === 1) return variations[0]!;
  const digest = createHash('sha256').update(`${turnId}\u0000${responseName}`).digest();
  return variations[digest.readUInt32BE(0) % variations.length]!;
}

export function renderResponse(
  variations: readonly ResponseVariation[],
  turnId: string,
  responseName: string,
  slots: Readonly<Record<string, unknown>>,
): OutgoingMessage {
  const variation = pickVariation(variations, turnId, responseName);
  const text = (template: string) => renderTemplate(template, slots);
  const message: OutgoingMessage = { type: 'text', text: text(variation.text) };
  if (variation.buttons) {
    message.buttons = variation.buttons.map((button) => renderButton(button, text));
  }
  if (variation.elements) {
    const elements = renderElements(variation.elements, slots);
    if (elements.length > 0) message.elements = elements;
  }
  return message;
}
