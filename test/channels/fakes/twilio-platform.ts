import { Buffer } from 'node:buffer';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelRequest } from '../../../src/core/index.js';

/**
 * A local stand-in for Twilio, written from Twilio's documentation and independent of the adapter's
 * code: a real HTTP server answering `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` as the
 * REST API does (Basic auth, form fields To/From/Body, 201 with a Message resource, errors as
 * `{code, message, more_info, status}`), and a signer that builds webhook requests exactly as
 * Twilio signs them.
 */

export interface RecordedTwilioMessage {
  readonly sid: string;
  readonly accountSid: string;
  readonly to: string;
  readonly from: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface ScriptedTwilioFailure {
  readonly status: number;
  /** Twilio's error code (20429, 21211, 21610, …); omitted → a body that is not Twilio's JSON. */
  readonly code?: number;
  readonly message?: string;
  readonly retryAfter?: string;
}

export interface FakeTwilio {
  /** The API base, e.g. `http://127.0.0.1:PORT`: PARLEY_TWILIO_API_URL. */
  readonly url: string;
  readonly accountSid: string;
  readonly authToken: string;
  /** Messages Twilio accepted, in order. */
  readonly sent: RecordedTwilioMessage[];
  /** Every request to the API, accepted or not. */
  readonly requests: number;
  /** The next requests fail like this, one scripted failure per request, in order. */
  fail(...failures: ScriptedTwilioFailure[]): void;
  close(): Promise<void>;
}

/** Twilio's limit on a message Body. */
const MAX_BODY = 1600;

export async function startFakeTwilio(credentials: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilio> {
  const accountSid = credentials.accountSid ?? 'AC00000000000000000000000000000001';
  const authToken = credentials.authToken ?? 'fake-twilio-auth-token';
  const sent: RecordedTwilioMessage[] = [];
  const failures: ScriptedTwilioFailure[] = [];
  let requests = 0;
  let counter = 0;

  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      requests += 1;
      answer(request, response, body);
    });
  });

  function answer(request: IncomingMessage, response: ServerResponse, rawBody: Buffer): void {
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(request.url ?? '');
    if (request.method !== 'POST' || !match) return error(response, 404, 20404, 'The requested resource was not found');
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (request.headers.authorization !== expected || decodeURIComponent(match[1] ?? '') !== accountSid) {
      return error(response, 401, 20003, 'Authentication Error - invalid username');
    }
    const scripted = failures.shift();
    if (scripted) {
      if (scripted.code === undefined) {
        response.writeHead(scripted.status, { 'content-type': 'text/html', ...(scripted.retryAfter ? { 'retry-after': scripted.retryAfter } : {}) });
        response.end('<html>upstream trouble</html>');
        return;
      }
      return error(response, scripted.status, scripted.code, scripted.message ?? 'Scripted failure', scripted.retryAfter);
    }
    if (!(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return error(response, 400, 20001, 'Content-Type must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(rawBody.toString('utf8'));
    const to = form.get('To');
    const from = form.get('From');
    const body = form.get('Body');
    if (!to) return error(response, 400, 21604, "A 'To' phone number is required.");
    if (!from) return error(response, 400, 21603, "A 'From' phone number is required.");
    if (!body) return error(response, 400, 21602, 'Message body is required.');
    if (body.length > MAX_BODY) return error(response, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    counter += 1;
    const sid = `SM${String(counter).padStart(32, '0')}`;
    sent.push({ sid, accountSid, to, from, body, headers: request.headers });
    response.writeHead(201, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ sid, account_sid: accountSid, to, from, body, status: 'queued', direction: 'outbound-api', api_version: '2010-04-01', num_segments: '1' }));
  }

  function error(response: ServerResponse, status: number, code: number, message: string, retryAfter?: string): void {
    response.writeHead(status, { 'content-type': 'application/json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) });
    response.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    sent,
    get requests() {
      return requests;
    },
    fail(...more) {
      failures.push(...more);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Form parameters in the order they go on the wire; a name may repeat. */
export type TwilioParams = Readonly<Record<string, string>> | readonly (readonly [string, string])[];

/**
 * A webhook request as Twilio sends it: the form-encoded body, and `X-Twilio-Signature` computed as
 * Twilio documents it, written out here on its own (not with the adapter's code): the URL, then
 * every parameter's name and value with the names sorted, HMAC-SHA1 with the auth token, Base64.
 */
export function signedTwilioRequest(url: string, params: TwilioParams, authToken: string): { headers: Record<string, string>; rawBody: Buffer } {
  const pairs: [string, string][] = Array.isArray(params) ? params.map(([name, value]) => [name, value]) : Object.entries(params);
  const rawBody = Buffer.from(new URLSearchParams(pairs).toString(), 'utf8');
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioDocumentedSignature(authToken, url, pairs),
      'i-twilio-idempotency-token': randomUUID(),
      'user-agent': 'TwilioProxy/1.1',
    },
    rawBody,
  };
}

/** Twilio's algorithm, step by step as its security page describes it. */
export function twilioDocumentedSignature(authToken: string, url: string, pairs: readonly (readonly [string, string])[]): string {
  const sorted = [...pairs].sort(([a, valueA], [b, valueB]) => (a === b ? (valueA < valueB ? -1 : valueA > valueB ? 1 : 0) : a < b ? -1 : 1));
  let data = url;
  for (const [name, value] of sorted) data += name + value;
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** The parameters of an incoming SMS as Twilio posts them (the usual set, with a fresh MessageSid unless given). */
export function incomingSmsParams(fields: { from: string; to: string; body: string; messageSid?: string; accountSid?: string; numMedia?: number }): Record<string, string> {
  const sid = fields.messageSid ?? `SM${randomUUID().replace(/-/g, '')}`;
  return {
    ToCountry: 'US',
    ToState: 'CA',
    SmsMessageSid: sid,
    NumMedia: String(fields.numMedia ?? 0),
    ToCity: 'SAN FRANCISCO',
    FromZip: '94105',
    SmsSid: sid,
    FromState: 'CA',
    SmsStatus: 'received',
    FromCity: 'SAN FRANCISCO',
    Body: fields.body,
    FromCountry: 'US',
    To: fields.to,
    ToZip: '94105',
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: fields.accountSid ?? 'AC00000000000000000000000000000001',
    From: fields.from,
    ApiVersion: '2010-04-01',
  };
}

/** A ChannelRequest for the adapter, from a signed webhook. */
export function twilioChannelRequest(url: string, signed: { headers: Record<string, string>; rawBody: Buffer }): ChannelRequest {
  const query: Record<string, string> = {};
  for (const [name, value] of new URL(url).searchParams) query[name] ??= value;
  return { method: 'POST', url, query, headers: signed.headers, rawBody: signed.rawBody };
}
