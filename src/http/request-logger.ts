/**
 * Each request's logger. Its lines carry what is learnt about the request as it goes: the request
 * id first, then who calls and in which organization (src/http/auth.ts adds those as bindings of a
 * child). A pino child serializes its bindings when it is made, so a real child per binding costs
 * three children per request, most of them for the one access-log line. Here the bindings are
 * gathered, and one pino child with all of them is made when the request first writes a line.
 * The lines are the same: a child's bindings are written in the order they were added, as nested
 * children write them.
 */
import type { FastifyBaseLogger } from 'fastify';

type Bindings = Record<string, unknown>;
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];
type Method = (...args: unknown[]) => void;

class RequestLogger {
  #real: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
  ) {}

  /** The pino child with every binding so far, made once. */
  private real(): FastifyBaseLogger {
    return (this.#real ??= this.parent.child(this.bindings));
  }

  get level(): string {
    return this.#real?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    // Options (a level, serializers) and a child made after a line was written go to pino as they are.
    if (this.#real !== undefined || (options !== undefined && Object.keys(options).length > 0))
      return this.real().child(bindings, options);
    return new RequestLogger(this.parent, { ...this.bindings, ...bindings }) as unknown as FastifyBaseLogger;
  }

  private write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent', args: unknown[]): void {
    const real = this.real();
    (real[level] as Method).apply(real, args);
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(...args: unknown[]): void {
    this.write('silent', args);
  }
}

/** Fastify's `childLoggerFactory`: the request's logger, a child of `logger` with `bindings` (the request id). */
export function requestLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildOptions): FastifyBaseLogger {
  if (options !== undefined && Object.keys(options).length > 0) return logger.child(bindings, options);
  return new RequestLogger(logger, bindings) as unknown as FastifyBaseLogger;
}
