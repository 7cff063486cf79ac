/**
 * Authentication and organization access for the bearer-token API.
 *
 * Runs as an onRequest hook, before the body is read: a caller without a valid token, or without
 * access to the organization in the path, is turned away without the service parsing anything.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { AuthCache } from '../auth/auth-cache.js';
import type { UnknownTokens } from '../auth/unknown-tokens.js';
import type { Database, Role } from '../db/types.js';
import { isHexId, sha256 } from '../core/secrets.js';
import { now } from '../core/time.js';
import type { FailureThrottle } from './auth-throttle.js';
import { AppError } from '../core/errors.js';

/** What a route needs: `read` (any member), `write` (admin or standard), `admin`. */
export type Access = 'read' | 'write' | 'admin';

export interface Principal {
  userId: number;
  tokenId: number;
  /** The caller's role in the organization of the path, once access to it is checked. */
  role?: Role;
  /** The membership read with the token: the role in the path's organization, null when none. */
  membership?: Role | null;
  /** The membership in the path's organization is disabled: the token does not work there. */
  disabled?: boolean;
  organizationId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** Set on every bearer-authenticated route. */
    access?: Access;
    /**
     * The body is an array of items the route checks one by one (bulk): the service-wide text
     * check leaves the body to it, so one bad item does not refuse the others.
     */
    bodyCheckedPerItem?: boolean;
  }
}

const ROLE_ALLOWS: Record<Role, Record<Access, boolean>> = {
  admin: { read: true, write: true, admin: true },
  standard: { read: true, write: true, admin: false },
  light: { read: true, write: false, admin: false },
};

/**
 * The header Tallyfy's documentation says identifies the client type. Its own clients send
 * different values (`APIClient`, `TallyfySDK`, `n8n`) and certified connectors send none, so any
 * value is accepted; an operator may still require the header to be present.
 */
export const CLIENT_HEADER = 'x-tallyfy-client';

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header === undefined || header === '') {
    throw new AppError('UNAUTHENTICATED', 'Unauthenticated: send an `Authorization: Bearer <token>` header.');
  }
  const match = /^Bearer +([A-Za-z0-9._~+/=-]{1,512})$/i.exec(header.trim());
  if (!match?.[1])
    throw new AppError('UNAUTHENTICATED', 'Unauthenticated: the Authorization header must be `Bearer <token>`.');
  return match[1];
}

export interface AuthOptions {
  db: Kysely<Database>;
  requireClientHeader: boolean;
  /** Unknown tokens counted per client address; over the limit, 429 before any look-up. */
  failures?: FailureThrottle;
  /** Token hashes the database did not know a moment ago: answered 401 without a look-up. */
  unknownTokens?: UnknownTokens;
  /** Answers of known tokens, reused for a moment (src/auth/auth-cache.ts). */
  cache: AuthCache;
}

/**
 * Who is calling: the bearer token and the client header. Registered first in an encapsulated
 * scope holding only bearer-token routes, so the request limit can count every authenticated
 * request, including those the organization check below turns away.
 */
export function registerAuthentication(app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('principal', undefined as unknown as Principal);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.access === undefined) return;
    const token = bearerToken(request);
    await options.failures?.check(request);
    const tokenHash = sha256(token);
    const refused = () => new AppError('UNAUTHENTICATED', 'Unauthenticated: the token is unknown, expired or revoked.');
    if (options.unknownTokens?.has(tokenHash)) {
      await options.failures?.fail(request);
      throw refused();
    }
    const organizationId = (request.params as { org_id?: string }).org_id;
    const owner = await options.cache.find(
      options.db,
      tokenHash,
      organizationId !== undefined && isHexId(organizationId) ? organizationId : undefined,
    );
    if (!owner || owner.revokedAt !== null || (owner.expiresAt !== null && owner.expiresAt <= now())) {
      if (!owner) options.unknownTokens?.remember(tokenHash);
      await options.failures?.fail(request);
      throw refused();
    }
    if (options.requireClientHeader && !request.headers[CLIENT_HEADER]) {
      throw new AppError(
        'UNAUTHENTICATED',
        'The X-Tallyfy-Client header is required: send it with any value naming your client, e.g. `X-Tallyfy-Client: APIClient`.',
      );
    }
    request.principal = {
      userId: owner.userId,
      tokenId: owner.tokenId,
      membership: owner.role,
      disabled: owner.disabled,
    };
    // From here on every line of this request (the access log's too) says whose it is; never the secret.
    request.log = request.log.child({ tokenId: owner.tokenId, memberId: owner.userId });
  });
}

/**
 * What the caller may do in the organization of the path: membership, then role. The membership
 * was read with the token (one query); it is checked here, after the request limit counted.
 */
export function registerOrganizationAccess(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    const organizationId = (request.params as { org_id?: string }).org_id;
    if (access === undefined || organizationId === undefined) return;
    // Logged refused or not: a member probing other organizations shows in the log.
    if (isHexId(organizationId)) request.log = request.log.child({ organizationId });
    // Not a member -> 403 whether or not the organization exists: ids are not probed this way.
    const role = isHexId(organizationId) ? request.principal.membership : undefined;
    if (!role) throw new AppError('FORBIDDEN', 'You are not a member of this organization.');
    // Read with the token; a remembered answer is dropped on every instance as the disable
    // commits (src/auth/auth-cache.ts), so a disable holds on the next request everywhere.
    if (request.principal.disabled)
      throw new AppError(
        'UNAUTHENTICATED',
        'Your membership of this organization is disabled; your tokens do not work here.',
      );
    if (!ROLE_ALLOWS[role][access]) {
      throw new AppError(
        'FORBIDDEN',
        access === 'admin'
          ? 'Only an administrator of this organization may do this.'
          : `A ${role} member may only read; this needs an admin or standard member.`,
      );
    }
    request.principal.role = role;
    request.principal.organizationId = organizationId;
  });
}
