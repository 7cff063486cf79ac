import { hash, randomBytes } from 'node:crypto';

/**
 * SHA-256, hex: how tokens and guest codes are stored and looked up. The one-shot `hash` costs a
 * third of a `createHash` object's set-up and calls, and every authenticated request pays it.
 */
export function sha256(value: string): string {
  return hash('sha256', value, 'hex');
}

/** A URL-safe secret of `bytes` random bytes from the CSPRNG (default 24 bytes = 192 bits). */
export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** A random id of 32 lowercase hex characters: organization, group, task and task field ids. */
export function newHexId(): string {
  return randomBytes(16).toString('hex');
}

const HEX_ID = /^[0-9a-f]{32}$/;

/** True for an id of newHexId's form; anything else can be answered 404 without a look-up. */
export function isHexId(value: string): boolean {
  return HEX_ID.test(value);
}

/** Reads a 32-byte key written as base64, base64url or hex; undefined when it is none of them. */
export function parseKey(text: string): Buffer | undefined {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(value) || /^[A-Za-z0-9_-]{43}$/.test(value)) {
    const key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return key.length === 32 ? key : undefined;
  }
  return undefined;
}
