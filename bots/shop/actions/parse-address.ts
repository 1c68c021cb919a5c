import type { Action } from 'parley/actions';

/**
 * Splits the address the customer typed ("12 Market Street, 10115 Berlin") into the fields the
 * orders service takes. The flow's collect step has already checked the overall shape; this
 * only takes it apart and tidies it up.
 */

const ADDRESS = /^\s*(?<street>[^,]*\d[^,]*?)\s*,\s*(?<postcode>\d{4,5})\s+(?<city>[^,]+?)\s*\.?\s*$/u;

const action: Action = {
  description: 'Splits a typed address into street, postcode and city',
  run(ctx) {
    const typed = String(ctx.slots.new_address ?? '');
    const match = ADDRESS.exec(typed);
    if (!match?.groups) throw new Error('the address does not have the shape "street and number, postcode city"');
    const { street = '', postcode = '', city = '' } = match.groups;
    ctx.setSlot('address_street', tidy(street));
    ctx.setSlot('address_postcode', postcode);
    ctx.setSlot('address_city', tidy(city));
  },
};

function tidy(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export default action;
