/**
 * buildApp(context): the whole HTTP application, wired explicitly from its context: the services
 * are built once (src/services.ts) and every route module is given them. It never listens: the
 * server, the CLI and the tests each decide what to do with it.
 */
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
  type RouteOptions,
} from 'fastify';
import swagger from '@fastify/swagger';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import { searchReaderFor, type SqliteReader } from './db/sqlite-reader.js';
import type { EmailDomainChecker } from './email/dns-check.js';
import { registerAuthentication, registerOrganizationAccess } from './http/auth.js';
import { openAuthMemory } from './auth/auth-channels.js';
import { rawParam } from './http/request-parts.js';
import { registerErrorHandling, sendProblem } from './http/error-handler.js';
import { AppError } from './core/errors.js';
import { ProblemSchema } from './http/schemas.js';
import { createValidatorCompiler, normalizeBody } from './http/validation.js';
import {
  IGNORED_FIELDS_HEADER,
  ignoreUnknownFields,
  ignoredFieldsHeader,
  registerJsonParser,
} from './http/unknown-fields.js';
import { docsRoutes } from './http/docs.routes.js';
import { referencePageRoutes } from './http/reference-page.routes.js';
import { finishDocument } from './http/openapi-document.js';
import { accessLogRequest } from './http/access-log.js';
import { requestLogger } from './http/request-logger.js';
import { REQUEST_ID_HEADER, genReqId } from './http/request-id.js';
import { registerIdempotency, registerIdempotencyPurge } from './http/idempotency.js';
import { LOG_SERIALIZERS } from './core/log-redaction.js';
import { healthRoutes } from './http/health.routes.js';
import { serverOptions } from './http/connection-guard.js';
import { EventLoopMonitor } from './http/event-loop-guard.js';
import { MemoryStore, registerRateLimit, type RateLimitStore } from './http/rate-limit.js';
import { registerCodeThrottle } from './http/auth-throttle.js';
import { Guest } from './guests/guest.schemas.js';
import { guestRoutes } from './guests/guest.routes.js';
import { memberRoutes } from './members/member.routes.js';
import { Member } from './members/member.schemas.js';
import { accountRoutes } from './account/account.routes.js';
import { ACCOUNT_SCHEMAS } from './account/account.schemas.js';
import { groupRoutes } from './groups/group.routes.js';
import { taskRoutes } from './tasks/task.routes.js';
import { taskViewRoutes } from './tasks/task-views.routes.js';
import { taskWorkRoutes } from './tasks/task-work.routes.js';
import { fileRoutes } from './files/file.routes.js';
import { registerFileHousekeeping } from './files/file-housekeeping.js';
import { importRoutes } from './guests/import/import.routes.js';
import { registerImportWorker } from './guests/import/import-worker.js';
import { invitationAcceptRoutes, invitationRoutes } from './invitations/invitation.routes.js';
import { guestLifecycleRoutes } from './guests/lifecycle/lifecycle.routes.js';
import { guestPortalRoutes } from './guest-portal/portal.routes.js';
import { isWellFormedGuestCode } from './guest-portal/portal.service.js';
import { isWellFormedCode } from './invitations/invitation.service.js';
import { publicAccessRoutes } from './public/access.routes.js';
import { unsubscribeRoutes } from './notifications/unsubscribe.routes.js';
import { isWellFormedUnsubscribeToken } from './notifications/unsubscribe.js';
import { guestCodesFor, type GuestCodes } from './guests/guest-code.js';
import type { Slots } from './core/slots.js';
import { createServices } from './services.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { NO_FIELD_ERRORS, collectFieldErrors, unsafeTextErrors } from './core/validation.js';

export interface AppContext {
  config: Config;
  db: Db;
  emailChecker: Pick<EmailDomainChecker, 'checkDomain'>;
  /** Where request counts live; the server passes a Redis store when REDIS_URL is set. */
  rateLimitStore?: RateLimitStore;
  /** The keys of guest codes; read from the configuration (src/guests/guest-code.ts) when not given. */
  codes?: GuestCodes;
  /** Fastify's logger option: pino options, a pino instance, or false. */
  logger?: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance'];
  /** Told of every route as it is added: the tests read the route table from it. */
  onRoute?: (route: RouteOptions) => void;
  /** The places for searches of List guests; made from the configuration when not given. */
  listSearches?: Slots;
  /** Where searches of List guests read; on a SQLite file a worker of its own when not given (db/sqlite-reader.ts). */
  searchReader?: SqliteReader;
}

function trustHops(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

export const API_TITLE = 'Guest management API';

export async function buildApp(context: AppContext): Promise<FastifyInstance> {
  const { config, db } = context;
  const logger = context.logger ?? { level: config.logLevel, serializers: LOG_SERIALIZERS };
  const isInstance =
    typeof logger === 'object' && logger !== null && 'child' in logger && typeof logger.child === 'function';
  const app = Fastify({
    ...(isInstance
      ? { loggerInstance: logger as FastifyServerOptions['loggerInstance'] }
      : { logger: logger as FastifyServerOptions['logger'] }),
    bodyLimit: config.bodyLimitBytes,
    // The client's X-Request-Id only when well-formed, otherwise a new id (src/http/request-id.ts).
    requestIdHeader: false,
    genReqId,
    // One access-log line per request (below) instead of Fastify's two: half the logging cost.
    logController: new LogController({ disableRequestLogging: true }),
    // One pino child per request, made when it first logs, for all its bindings (src/http/request-logger.ts).
    childLoggerFactory: requestLogger,
    // A hop count trusts that many proxies in front (as proxy-addr does for a number).
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // Routing-level failures (an undecodable URL, an over-long path segment) get the same body.
    frameworkErrors: (error, _request, reply) => {
      const known =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new AppError('URI_TOO_LONG', 'A path segment is longer than allowed.')
          : new AppError('BAD_REQUEST', 'The request URL is malformed.');
      // Answered before any route or hook: the onSend hook below never sees these answers.
      reply.header('cache-control', 'no-store');
      return sendProblem(reply as unknown as FastifyReply, config.publicBaseUrl, known);
    },
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 512 },
    // Request timeouts, keep-alive, and answers given before routing (src/http/connection-guard.ts).
    ...serverOptions(config),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // A start that fails part-way closes what it opened (the onClose hooks: the Redis store, the
  // change listener's connection), so a failed build leaves nothing running.
  try {
    if (context.onRoute) app.addHook('onRoute', context.onRoute);
    app.setValidatorCompiler(createValidatorCompiler());
    // JSON only: without this, Fastify would also accept text/plain bodies.
    app.removeContentTypeParser('text/plain');
    registerJsonParser(app);
    app.addSchema(ProblemSchema);
    app.addSchema(Guest);
    app.addSchema(Member);
    for (const schema of ACCOUNT_SCHEMAS) app.addSchema(schema);

    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: API_TITLE,
          version: '1.0.0',
          description:
            "Bring external people (clients, contractors, suppliers) into an organization's work as guests. Tallyfy-compatible guest API. Timestamps are UTC, written `YYYY-MM-DD HH:MM:SS` (no `T`, no zone), as Tallyfy writes them.",
          // The project grants no public license: the wording says so rather than naming one.
          license: {
            name: 'Proprietary: no license is granted to copy or redistribute the service',
            identifier: 'LicenseRef-Proprietary',
          },
          contact: { name: 'The operator of this instance', url: `${config.publicBaseUrl}/docs` },
        },
        servers: [{ url: `${config.publicBaseUrl}/api` }, { url: config.publicBaseUrl }],
        components: {
          securitySchemes: {
            bearer: {
              type: 'http',
              scheme: 'bearer',
              description: 'A personal access token from `guests token create`.',
            },
            // Named only when required: a scheme no operation uses would be noise for a client.
            ...(config.requireClientHeader && {
              client: {
                type: 'apiKey' as const,
                in: 'header',
                name: 'X-Tallyfy-Client',
                description: 'Names the client type (any value, e.g. `APIClient`); this service requires it.',
              },
            }),
          },
        },
        security: config.requireClientHeader ? [{ bearer: [], client: [] }] : [{ bearer: [] }],
      },
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
      hideUntagged: true,
      // Every operation answers under /api too; the document lists each once, with both servers.
      transform: ({ schema, url }) => ({ schema: url.startsWith('/api/') ? { ...schema, hide: true } : schema, url }),
      // Run once, on the finished document (it is cached): what applies to every operation.
      transformObject: (document) =>
        'openapiObject' in document ? finishDocument(document.openapiObject) : document.swaggerObject,
    });

    registerErrorHandling(app, config.publicBaseUrl);

    // While closing, answers close their connection: a request in flight at shutdown must not leave
    // a keep-alive connection open for the server's close to wait on (keep-alive lasts 72 s).
    let closing = false;
    app.addHook('preClose', async () => {
      closing = true;
    });
    // Requests that arrive while closing (on a connection still open), or while the event loop is
    // stalled (src/http/event-loop-guard.ts), are answered 503 at once rather than served late.
    // The loop is watched once the server listens: starting up is allowed to take its time.
    let loop: EventLoopMonitor | undefined;
    if (config.connections.eventLoopStallMs > 0) {
      app.addHook('onListen', (done) => {
        loop ??= new EventLoopMonitor(config.connections.eventLoopStallMs, (delayMs) =>
          app.log.warn({ delayMs }, 'event loop stalled: new requests are answered 503 until it catches up'),
        );
        done();
      });
      app.addHook('onClose', () => loop?.stop());
    }
    app.addHook('onRequest', (request, reply, done) => {
      if (closing) {
        sendProblem(
          reply,
          config.publicBaseUrl,
          new AppError(
            'SERVICE_UNAVAILABLE',
            'The server is shutting down; retry on another instance or in a moment.',
            {
              headers: { 'retry-after': '1' },
            },
          ),
        );
      } else if (loop?.stalled() && request.routeOptions.url !== '/health/live') {
        sendProblem(
          reply,
          config.publicBaseUrl,
          new AppError('SERVICE_UNAVAILABLE', 'The server is overloaded; retry in a moment.', {
            headers: { 'retry-after': '1' },
          }),
        );
      } else {
        done();
      }
    });
    // A callback hook: nothing here waits, and every answer passes it.
    app.addHook('onSend', (request, reply, payload, done) => {
      if (closing) reply.header('connection', 'close');
      // Every answer names its request (docs/conventions.md, Request ids).
      if (!reply.hasHeader(REQUEST_ID_HEADER)) reply.header(REQUEST_ID_HEADER, request.id);
      // Answers carry personal data and, at times, secrets (a new token, a guest's link): no cache
      // along the way may keep them. A route that may be cached says so itself.
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      done(null, payload);
    });
    app.addHook('onResponse', (request, reply, done) => {
      const ignoredFields = request.ignoredFields;
      request.log.info(
        {
          req: accessLogRequest(request),
          res: reply,
          responseTime: reply.elapsedTime,
          ...(ignoredFields && { ignoredFields: ignoredFields.slice(0, 50) }),
        },
        'request completed',
      );
      done();
    });

    // Trim strings and read "" as null before any validation sees the body.
    // Text with NUL, other controls or broken UTF-16 is refused wherever it comes from.
    // Unknown body fields and query parameters are dropped, as Tallyfy drops them, and named in a
    // header and the access log so that a misspelt field is still visible; UNKNOWN_FIELDS=reject
    // answers them with 422 instead (docs/conventions.md, "Unknown fields").
    // A callback hook, as nothing here waits: what it throws is answered as an async hook's would be.
    app.addHook('preValidation', (request, reply, done) => {
      if (request.body !== null && typeof request.body === 'object') request.body = normalizeBody(request.body);
      const ignored = ignoreUnknownFields(request, config.unknownFields);
      if (ignored.length > 0) {
        request.ignoredFields = ignored;
        reply.header(IGNORED_FIELDS_HEADER, ignoredFieldsHeader(ignored));
      }
      const body = request.routeOptions.config.bodyCheckedPerItem ? NO_FIELD_ERRORS : unsafeTextErrors(request.body);
      collectFieldErrors(unsafeTextErrors(request.params), unsafeTextErrors(request.query), body).throwIfAny();
      done();
    });

    const rateLimitStore: RateLimitStore =
      context.rateLimitStore ??
      (config.redisUrl
        ? new (await import('./http/redis-store.js')).RedisStore(
            config.redisUrl,
            app.log.child({ component: 'rate-limit' }),
            `${config.redisKeyPrefix}ratelimit:`,
          )
        : new MemoryStore());
    app.addHook('onClose', () => rateLimitStore.close());
    // Start with the shared count when Redis is configured; a Redis that is down delays the start
    // by at most two seconds, then the instance counts locally until Redis answers.
    await rateLimitStore.ready?.(2000);
    // Token answers reused for a moment; changes reach every instance (src/auth/auth-channels.ts).
    // Like Redis above, a change listener that is slow to connect delays the start by at most two
    // seconds; meanwhile every request reads the database.
    const authMemory = await openAuthMemory(config, db, app.log.child({ component: 'auth-cache' }));
    app.addHook('onClose', () => authMemory.close());
    await authMemory.ready(2000);
    const links = { publicBaseUrl: config.publicBaseUrl, codes: context.codes ?? guestCodesFor(config) };
    // On a SQLite file, searches of the guest list read in a worker thread (db/sqlite-reader.ts).
    const searchReader = context.searchReader ?? searchReaderFor(config.database);
    if (searchReader) app.addHook('onClose', () => searchReader.close());
    const services = await createServices({
      config,
      db,
      emailChecker: context.emailChecker,
      links,
      log: app.log,
      rateLimitStore,
      listSearches: context.listSearches,
      searchReader,
    });
    const failures = services.authFailures;
    registerFileHousekeeping(app, services.files);
    registerIdempotencyPurge(app, db.kysely);
    registerImportWorker(app, services.imports);

    // The bearer-token API answers under both bases Tallyfy's clients use: /api/... and /...
    for (const prefix of ['/api', '']) {
      await app.register(
        async (api) => {
          // In this order: who calls, how often they may, what they may do here.
          registerAuthentication(api, {
            db: db.kysely,
            requireClientHeader: config.requireClientHeader,
            failures,
            unknownTokens: services.unknownTokens,
            cache: authMemory.cache,
          });
          if (config.rateLimit.max > 0)
            registerRateLimit(api, {
              limit: config.rateLimit.max,
              windowMs: config.rateLimit.windowMs,
              store: rateLimitStore,
            });
          registerOrganizationAccess(api);
          // Keys are the token's own: another token may use the same key (docs/conventions.md, Idempotency).
          registerIdempotency(api, { db: db.kysely, scope: (request) => `token:${request.principal.tokenId}` });
          guestRoutes(api, services);
          memberRoutes(api, services);
          accountRoutes(api, services);
          guestLifecycleRoutes(api, services);
          invitationRoutes(api, services);
          groupRoutes(api, services);
          taskRoutes(api, services);
          taskViewRoutes(api, services);
          taskWorkRoutes(api, services);
          // In a scope of their own: only these routes take multipart bodies (docs/files.md).
          await api.register(async (scope) => fileRoutes(scope, services));
          // Also in its own scope: only this route takes a text/csv body (docs/guests.md, Import guests).
          await api.register(async (scope) => importRoutes(scope, services));
        },
        { prefix },
      );
      // Public, unauthenticated: throttled per client IP and per address instead.
      // No token: keys are the client address's own.
      await app.register(
        async (pub) => {
          registerIdempotency(pub, { db: db.kysely, scope: (request) => `ip:${request.ip}` });
          return publicAccessRoutes(pub, services);
        },
        { prefix },
      );
    }
    // The invitation's accept link and its JSON twin: the code in the path is the credential.
    await app.register(async (pub) => {
      registerCodeThrottle(pub, failures, (request) => isWellFormedCode(rawParam(request, 'code')));
      await invitationAcceptRoutes(pub, services);
    });
    // The guest's side: the guest code in the path is the credential.
    await app.register(async (portal) => {
      registerCodeThrottle(portal, failures, (request) => isWellFormedGuestCode(rawParam(request, 'guest_code')));
      await guestPortalRoutes(portal, services);
    });

    // Unsubscribe links of digests and reminders: the token in the path is the credential.
    await app.register(async (links) => {
      registerCodeThrottle(links, failures, (request) => isWellFormedUnsubscribeToken(rawParam(request, 'token')));
      unsubscribeRoutes(links, services);
    });

    docsRoutes(app, services);
    referencePageRoutes(app, services);
    healthRoutes(app, services);
    return app;
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}
