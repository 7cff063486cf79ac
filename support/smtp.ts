/**
 * A real SMTP server on 127.0.0.1 (`smtp-server`) that keeps every message it accepts, parsed
 * with `mailparser`. It can be stopped and started again on the same port (a relay outage), and
 * told to refuse messages with a chosen reply (451: try later; 550: never).
 */
import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { delay, freePort } from './process.js';

export interface ReceivedMail {
  /** The raw message as it arrived. */
  raw: string;
  parsed: ParsedMail;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  messageId: string | undefined;
}

export interface TestSmtpServer {
  port: number;
  url: string;
  received: ReceivedMail[];
  /** Messages refused so far (each refusal of DATA). */
  refusals: number;
  /** Set a reply code to refuse every message with it; undefined to accept again. */
  refuseWith: number | undefined;
  /** Milliseconds to wait before answering each message (a slow relay). */
  holdMs: number;
  /** Messages whose data has arrived, answered or not. */
  dataStarted: number;
  /** Connections opened by clients so far. */
  connections: number;
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Waits until `count` messages have arrived (fails after `timeoutMs`). */
  waitFor(count: number, timeoutMs: number): Promise<ReceivedMail[]>;
}

export async function startTestSmtpServer(port?: number): Promise<TestSmtpServer> {
  const listenPort = port ?? (await freePort());
  let server: SMTPServer | undefined;

  const state: TestSmtpServer = {
    port: listenPort,
    url: `smtp://127.0.0.1:${listenPort}`,
    received: [],
    refusals: 0,
    refuseWith: undefined,
    holdMs: 0,
    dataStarted: 0,
    connections: 0,
    async start() {
      if (server) return;
      const instance = new SMTPServer({
        secure: false,
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        closeTimeout: 500,
        onConnect(_session, callback) {
          state.connections += 1;
          callback();
        },
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => void answer());
          const answer = async () => {
            state.dataStarted += 1;
            if (state.holdMs > 0) await delay(state.holdMs);
            if (state.refuseWith !== undefined) {
              state.refusals += 1;
              const error = Object.assign(
                new Error(state.refuseWith >= 500 ? 'Mailbox unavailable' : 'Try again later'),
                { responseCode: state.refuseWith },
              );
              callback(error);
              return;
            }
            const raw = Buffer.concat(chunks).toString('utf8');
            const to = session.envelope.rcptTo.map((r) => r.address);
            simpleParser(raw).then(
              (parsed) => {
                state.received.push({ raw, parsed, to, messageId: parsed.messageId });
                callback();
              },
              (error: Error) => callback(error),
            );
          };
        },
      });
      // Client connection errors (a sender hanging up) must not end the test process.
      instance.on('error', () => undefined);
      await listen(instance, listenPort);
      server = instance;
    },
    async stop() {
      const instance = server;
      server = undefined;
      if (!instance) return;
      await new Promise<void>((resolve) => instance.close(() => resolve()));
    },
    async waitFor(count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (state.received.length < count) {
        if (Date.now() > deadline)
          throw new Error(`expected ${count} messages within ${timeoutMs} ms, got ${state.received.length}`);
        await delay(50);
      }
      return state.received;
    },
  };
  await state.start();
  return state;
}

/** Listens on 127.0.0.1:`port`, retrying briefly while the port is still held by the server before. */
async function listen(instance: SMTPServer, port: number): Promise<void> {
  for (let tries = 0; ; tries += 1) {
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        instance.server.once('error', onError);
        instance.listen(port, '127.0.0.1', () => {
          instance.server.off('error', onError);
          resolve();
        });
      });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || tries >= 40) throw error;
      await delay(100);
    }
  }
}

/** The first http(s) link in a message's text part. */
export function linksIn(mail: ReceivedMail): string[] {
  return [...(mail.parsed.text ?? '').matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
}

/** True when nothing accepts connections on 127.0.0.1:`port` (the relay is down). */
export async function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
