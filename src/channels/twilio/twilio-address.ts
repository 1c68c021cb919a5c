/**
 * A Twilio conversation's address: `<our number>><their number>`, e.g. `+15017122661>+15558675310`
 * or `whatsapp:+14155238886>whatsapp:+15558675310`. It is the pair (the number the user wrote to,
 * the user), so a reply goes out from the number that was written to, and one user writing to two
 * of our numbers has two conversations. `>` appears in neither a phone number, a WhatsApp sender
 * (`whatsapp:+…`) nor an alphanumeric sender id.
 */

export const ADDRESS_SEPARATOR = '>';

export interface TwilioAddress {
  /** Our number, the inbound `To`: the `From` of a reply. */
  readonly ours: string;
  /** The user's number, the inbound `From`: the `To` of a reply. */
  readonly theirs: string;
}

export function formatTwilioAddress(address: TwilioAddress): string {
  return `${address.ours}${ADDRESS_SEPARATOR}${address.theirs}`;
}

/** The two numbers of an address, or undefined when it is not `<ours>><theirs>` with both non-empty. */
export function parseTwilioAddress(address: string): TwilioAddress | undefined {
  const parts = address.split(ADDRESS_SEPARATOR);
  if (parts.length !== 2) return undefined;
  const [ours, theirs] = parts;
  if (ours === undefined || theirs === undefined || ours.trim() === '' || theirs.trim() === '') return undefined;
  return { ours, theirs };
}
