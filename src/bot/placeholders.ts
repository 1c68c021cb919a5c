/**
 * `{name}` and `{name.path}` in response texts and call arguments: the slot `name`, or a field
 * inside the object a slot holds (e.g. `{order.status}` after `save_as: order`).
 */
export interface SlotReference {
  readonly text: string;
  readonly slot: string;
  readonly fields: readonly string[];
}

const placeholderPattern = /\{([a-z][a-z0-9_]*)((?:\.[A-Za-z0-9_]+)*)\}/g;

export function placeholdersIn(text: string): SlotReference[] {
  return [...text.matchAll(placeholderPattern)].map((match) => ({
    text: match[0],
    slot: match[1]!,
    fields: match[2] ? match[2].slice(1).split('.') : [],
  }));
}

/** A slot reference written without braces, as in a condition's `slot: order.status`. */
export function slotReference(text: string): SlotReference {
  const [slot = '', ...fields] = text.split('.');
  return { text, slot, fields };
}
