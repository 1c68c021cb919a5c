import { Buffer } from 'node:buffer';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Twilio's request signature, `X-Twilio-Signature`: the Base64 HMAC-SHA1, keyed with the
 * account's auth token, of the full URL Twilio called followed by every POST parameter's name and
 * value, sorted by name, with no separators (values decoded, exactly as they arrive in the form).
 *
 * A request with a JSON body (Twilio marks it with `bodySHA256` in the query) is signed over the
 * URL alone, query included; the body is bound by `bodySHA256`, the hex SHA-256 of the raw body.
 *
 * Like Twilio's own helper libraries, the check accepts the URL with and without the scheme's
 * default port (`:443`, `:80`), because Twilio's signing is not consistent about it.
 */

/** A form parameter as it arrived: names may repeat. */
export type FormParameter = readonly [name: string, value: string];

/**
 * The string Twilio signs: the URL, then each parameter name followed by its value, names in
 * sorted order. A name that appears more than once contributes each distinct value, sorted (as
 * Twilio's helper libraries do).
 */
export function twilioSignedString(url: string, parameters: Iterable<FormParameter>): string {
  const byName = new Map<string, Set<string>>();
  for (const [name, value] of parameters) {
    const values = byName.get(name) ?? new Set<string>();
    values.add(value);
    byName.set(name, values);
  }
  let data = url;
  for (const name of [...byName.keys()].sort(compareCodeUnits)) {
    for (const value of [...(byName.get(name) ?? [])].sort(compareCodeUnits)) data += name + value;
  }
  return data;
}

/** The `X-Twilio-Signature` value for a request to `url` carrying `parameters`. */
export function twilioSignature(authToken: string, url: string, parameters: Iterable<FormParameter>): string {
  return createHmac('sha1', authToken).update(twilioSignedString(url, parameters), 'utf8').digest('base64');
}

/** The `bodySHA256` query value of a JSON-bodied request: the hex SHA-256 of the raw body. */
export function twilioBodyHash(rawBody: Uint8Array | string): string {
  return createHash('sha256').update(rawBody).digest('hex');
}

/**
 * Whether `header` is Twilio's signature of a form-encoded request to `url` with `parameters`.
 * Every candidate URL is checked, and each comparison takes the same time whatever the guess.
 */
export function verifyTwilioSignature(authToken: string, header: string | undefined, url: string, parameters: readonly FormParameter[]): boolean {
  if (authToken === '' || header === undefined || header.trim() === '') return false;
  const given = Buffer.from(header.trim(), 'utf8');
  let matched = false;
  for (const candidate of urlVariants(url)) {
    const expected = Buffer.from(twilioSignature(authToken, candidate, parameters), 'utf8');
    // timingSafeEqual needs equal lengths; a length mismatch says nothing about the token.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}

/**
 * Whether a JSON-bodied request is Twilio's: the URL (which carries `bodySHA256`) is signed with
 * no parameters, and `bodySHA256` is the hash of the raw body.
 */
export function verifyTwilioBodySignature(authToken: string, header: string | undefined, url: string, rawBody: Uint8Array): boolean {
  const declared = bodyHashOf(url);
  if (declared === undefined) return false;
  const signed = verifyTwilioSignature(authToken, header, url, []);
  const expected = Buffer.from(twilioBodyHash(rawBody), 'utf8');
  const given = Buffer.from(declared.toLowerCase(), 'utf8');
  const bodyMatches = given.length === expected.length && timingSafeEqual(given, expected);
  return signed && bodyMatches;
}

/** The `bodySHA256` query parameter of `url`, if it has one. */
export function bodyHashOf(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  return new URL(url).searchParams.get('bodySHA256') ?? undefined;
}

/** `url` as given, as a WHATWG URL writes it (default port dropped), and with the default port spelled out. */
function urlVariants(url: string): string[] {
  const variants = new Set<string>([url]);
  if (URL.canParse(url)) {
    const parsed = new URL(url);
    variants.add(parsed.toString());
    if (parsed.port === '' && (parsed.protocol === 'https:' || parsed.protocol === 'http:')) {
      const port = parsed.protocol === 'https:' ? '443' : '80';
      const auth = parsed.username === '' && parsed.password === '' ? '' : `${parsed.username}${parsed.password === '' ? '' : `:${parsed.password}`}@`;
      variants.add(`${parsed.protocol}//${auth}${parsed.host}:${port}${parsed.pathname}${parsed.search}${parsed.hash}`);
    }
  }
  return [...variants];
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
