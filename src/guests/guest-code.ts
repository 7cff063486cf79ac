/**
 * Guest codes at rest. A guest code (the last segment of the guest's link) is the guest's only
 * credential, so the database never holds it in clear: the guest side looks codes up by their
 * SHA-256 (`guest_code_hash`), and the code itself, needed to show the link to the organization's
 * members and to email it to the guest, is kept encrypted with AES-256-GCM
 * (`guest_code_encrypted`) next to the id of the key that encrypted it (`guest_code_key_id`).
 *
 * Every place that needs a code back reads it through `GuestCodes.open`. The key comes from
 * GUEST_CODE_KEY; earlier keys (GUEST_CODE_KEYS_PREVIOUS) still open what they encrypted until
 * `guests codes rekey` has encrypted every stored code with the current key (README, "Guest code
 * encryption").
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from '../config.js';
import type { Role } from '../db/types.js';
import { RecentMap } from '../core/recent-map.js';
import { parseKey, randomSecret, secureRandomBytes, sha256 } from '../core/secrets.js';

/** The columns a guest code is stored in. `guest_code` (the plain code of old) stays empty. */
export interface StoredCode {
  guest_code: null;
  guest_code_hash: string;
  guest_code_encrypted: string;
  guest_code_key_id: string;
}

/** What a row offers to read its code back from. */
export interface SealedCodeColumns {
  guest_code_hash: string | null;
  guest_code_encrypted: string | null;
  guest_code_key_id: string | null;
}

const IV_BYTES = 12;
/** How many opened codes an instance keeps (about 300 bytes each): a few pages of the largest lists. */
const OPENED_CODES = 10_000;
const TAG_BYTES = 16;
/** The name of the key file kept next to an embedded SQLite database when GUEST_CODE_KEY is not set. */
export const KEY_FILE_NAME = 'guest-code.key';

/** A key's public name: a digest of the key, so it needs no configuring and reveals nothing of it. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('guest-code-key-id\0').update(key).digest('hex').slice(0, 16);
}

function macWith(key: Buffer, purpose: string, data: string): string {
  const derived = createHmac('sha256', key).update(`mac\0${purpose}`).digest();
  return createHmac('sha256', derived).update(data).digest().subarray(0, 16).toString('base64url');
}

export class GuestCodes {
  readonly currentKeyId: string;
  readonly #current: Buffer;
  readonly #keys = new Map<string, Buffer>();
  /**
   * Codes opened or sealed lately, by their ciphertext (unique: every seal draws a fresh IV).
   * Opening one costs about 10 µs, a page of 100 guests a millisecond, so a page asked for again
   * opens none, nor does the answer of the create or reset that has just sealed the code.
   * The entry holds the hash and key id it was opened with: a ciphertext copied onto another
   * record, or under another key id, misses it and is checked in full as before. The plain codes
   * held here are no more exposed than the keys this object holds anyway.
   */
  readonly #opened = new RecentMap<string, { hash: string; keyId: string | null; code: string }>(OPENED_CODES);

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    if (current.length !== 32) throw new Error('a guest code key is 32 bytes');
    this.#current = current;
    this.currentKeyId = keyIdOf(current);
    for (const key of [current, ...previous]) this.#keys.set(keyIdOf(key), key);
  }

  /** The ids of every key this instance can open with, the current one first. */
  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /**
   * A MAC of `data` for `purpose` (HMAC-SHA-256 under a key derived from the current key, 128 bits,
   * base64url): links that must keep working without a stored secret, such as unsubscribe links.
   */
  mac(purpose: string, data: string): string {
    return macWith(this.#current, purpose, data);
  }

  /** True when `mac` is `data`'s MAC for `purpose` under the current or a previous key. */
  macMatches(purpose: string, data: string, mac: string): boolean {
    const given = Buffer.from(mac, 'base64url');
    return [...this.#keys.values()].some((key) => {
      const expected = Buffer.from(macWith(key, purpose, data), 'base64url');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  }

  /** A fresh guest code (160 bits or more from the CSPRNG, URL-safe), ready to store. */
  fresh(): StoredCode {
    return this.seal(randomSecret(24));
  }

  /**
   * The columns for `code`. The hash is the associated data of the encryption: a ciphertext
   * copied onto another record does not open there.
   */
  seal(code: string): StoredCode {
    const hash = sha256(code);
    const iv = secureRandomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#current, iv);
    cipher.setAAD(Buffer.from(hash));
    const body = Buffer.concat([cipher.update(code, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    const encrypted = `${iv.toString('base64url')}.${body.toString('base64url')}`;
    this.#remember(encrypted, hash, this.currentKeyId, code);
    return {
      guest_code: null,
      guest_code_hash: hash,
      guest_code_encrypted: encrypted,
      guest_code_key_id: this.currentKeyId,
    };
  }

  /**
   * The code of a row, or null when it has none (removed guest). Throws when the key that
   * encrypted it is not configured or the ciphertext does not open: a wrong key must not pass as
   * a guest without a link.
   */
  open(row: SealedCodeColumns): string | null {
    if (row.guest_code_encrypted === null || row.guest_code_hash === null) return null;
    const seen = this.#opened.get(row.guest_code_encrypted);
    if (seen && seen.hash === row.guest_code_hash && seen.keyId === row.guest_code_key_id) return seen.code;
    const code = this.#decrypt(row.guest_code_encrypted, row.guest_code_hash, row.guest_code_key_id);
    this.#remember(row.guest_code_encrypted, row.guest_code_hash, row.guest_code_key_id, code);
    return code;
  }

  #remember(encrypted: string, hash: string, keyId: string | null, code: string): void {
    this.#opened.set(encrypted, { hash, keyId, code });
  }

  #decrypt(encrypted: string, hash: string, keyId: string | null): string {
    const key = keyId === null ? undefined : this.#keys.get(keyId);
    if (!key)
      throw new Error(
        `a guest code is encrypted with key ${String(keyId)}, which is neither GUEST_CODE_KEY nor in GUEST_CODE_KEYS_PREVIOUS`,
      );
    const [ivText, bodyText] = encrypted.split('.');
    const iv = Buffer.from(ivText ?? '', 'base64url');
    const body = Buffer.from(bodyText ?? '', 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(hash));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  }
}

/** Light members read guests but never receive their links: a link lets its holder act as the guest. */
export function mayReceiveLinks(role: Role): boolean {
  return role === 'admin' || role === 'standard';
}

/** What turns a stored code into a link: the service's public base and the keys. */
export interface GuestLinks {
  publicBaseUrl: string;
  codes: GuestCodes;
}

export function guestLinkOf(links: GuestLinks, row: SealedCodeColumns): string | null {
  const code = links.codes.open(row);
  return code === null ? null : `${links.publicBaseUrl}/guest/${code}`;
}

/**
 * The key file of an embedded database: read when it exists, otherwise created with mode 0600.
 * Created under a temporary name and linked into place, so that processes starting together on
 * one database all end up with the one key that won, never with a half-written file.
 */
function keyFromFile(file: string): Buffer {
  const read = () => {
    const key = parseKey(fs.readFileSync(file, 'utf8'));
    if (!key)
      throw new ConfigError(
        'GUEST_CODE_KEY',
        `is not set and ${file} does not hold a 32-byte key (base64 or hex); restore the file or set the variable`,
      );
    return key;
  };
  if (fs.existsSync(file)) return read();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(temporary, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return read();
}

/**
 * The keys of this configuration. GUEST_CODE_KEY when set; otherwise, on an embedded SQLite file,
 * the key kept in `guest-code.key` next to it (made on first run); an in-memory database gets a
 * key for its own lifetime. PostgreSQL without the setting never gets here (src/config.ts refuses it).
 */
export function guestCodesFor(config: Pick<Config, 'database' | 'guestCodeKey'>): GuestCodes {
  const { current, previous } = config.guestCodeKey;
  if (current) return new GuestCodes(current, previous);
  if (config.database.kind === 'sqlite' && config.database.file !== ':memory:') {
    return new GuestCodes(keyFromFile(path.join(path.dirname(config.database.file), KEY_FILE_NAME)), previous);
  }
  if (config.database.kind === 'sqlite') return new GuestCodes(randomBytes(32), previous);
  throw new ConfigError('GUEST_CODE_KEY', 'must be set with a PostgreSQL DATABASE_URL');
}
