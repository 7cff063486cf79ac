import { createHash, randomBytes } from 'node:crypto';

/** SHA-256, hex: how tokens and guest codes are stored and looked up. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A URL-safe secret of `bytes` random bytes from the CSPRNG (default 24 bytes = 192 bits). */
export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** An organization id: 32 lowercase hex characters. */
export function newOrganizationId(): string {
  return randomBytes(16).toString('hex');
}
