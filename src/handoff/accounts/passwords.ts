import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { Buffer } from 'node:buffer';

/**
 * Agent passwords, hashed with scrypt (memory-hard, built into Node): N = 2^15, r = 8, p = 1, a
 * 16-byte random salt and a 32-byte key, kept as `scrypt$N$r$p$salt$hash` (salt and hash in
 * base64url). Verifying reads the parameters from the hash, so they can be raised later without
 * locking anyone out.
 */

export const SCRYPT_PARAMETERS = { N: 2 ** 15, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;

/** Bounds on the parameters a stored hash may ask for, so a bad row cannot exhaust the memory. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

/** scrypt needs 128 · N · r · p bytes; Node's default limit (32 MiB) is exactly that for N = 2^15, r = 8, so leave headroom. */
function maxmemFor(N: number, r: number, p: number): number {
  return 128 * N * r * p + 16 * 1024 * 1024;
}

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keyBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyBytes, { N, r, p, maxmem: maxmemFor(N, r, p) }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, saltBytes, keyBytes } = SCRYPT_PARAMETERS;
  const salt = randomBytes(saltBytes);
  const key = await derive(password, salt, N, r, p, keyBytes);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ParsedHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parseHash(hash: string): ParsedHash | null {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^[1-9][0-9]{0,9}$/.test(part) ? Number(part) : NaN)) as [number, number, number];
  if (!(N > 1 && N <= MAX_N && (N & (N - 1)) === 0) || !(r >= 1 && r <= MAX_R) || !(p >= 1 && p <= MAX_P)) return null;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 8 || key.length < 16 || key.length > 64) return null;
  return { N, r, p, salt, key };
}

/** Whether the password matches the hash; a hash this code cannot read matches nothing. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parseHash(hash);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.N, parsed.r, parsed.p, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

/**
 * A well-formed hash of no password anyone knows: a sign-in with an unknown email is verified
 * against it, so it takes as long as one with a wrong password.
 */
export const DUMMY_PASSWORD_HASH = `scrypt$${SCRYPT_PARAMETERS.N}$${SCRYPT_PARAMETERS.r}$${SCRYPT_PARAMETERS.p}$${Buffer.alloc(SCRYPT_PARAMETERS.saltBytes, 7).toString('base64url')}$${Buffer.alloc(SCRYPT_PARAMETERS.keyBytes, 0).toString('base64url')}`;
