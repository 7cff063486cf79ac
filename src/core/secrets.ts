import { hash, randomBytes, randomFillSync } from 'node:crypto';

/**
 * SHA-256, hex: how tokens and guest codes are stored and looked up. The one-shot `hash` costs a
 * third of a `createHash` object's set-up and calls, and every authenticated request pays it.
 */
export function sha256(value: string): string {
  return hash('sha256', value, 'hex');
}

/** Bytes drawn from the CSPRNG at once for the small draws below (as Node's randomUUID does). */
const BLOCK_BYTES = 4096;
let block = Buffer.alloc(0);
let drawn = 0;

/**
 * `size` bytes from the CSPRNG, each handed out once. Small draws come from a block the CSPRNG
 * filled in one call: a call of its own costs about 5 µs whatever its size, and a create with its
 * link code, the code's sealing and a task's ids makes several. The bytes handed out are zeroed
 * in the block.
 */
export function secureRandomBytes(size: number): Buffer {
  if (size > BLOCK_BYTES / 8) return randomBytes(size);
  if (drawn + size > block.length) {
    block = randomFillSync(Buffer.allocUnsafeSlow(BLOCK_BYTES));
    drawn = 0;
  }
  const bytes = Buffer.from(block.subarray(drawn, drawn + size));
  block.fill(0, drawn, drawn + size);
  drawn += size;
  return bytes;
}

/** A URL-safe secret of `bytes` random bytes from the CSPRNG (default 24 bytes = 192 bits). */
export function randomSecret(bytes = 24): string {
  return secureRandomBytes(bytes).toString('base64url');
}

/** A random id of 32 lowercase hex characters: organization, group, task and task field ids. */
export function newHexId(): string {
  return secureRandomBytes(16).toString('hex');
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
