/**
 * The background side of Import guests (docs/guests.md): once the server listens, every
 * IMPORT_SWEEP_MS each instance looks for imports waiting, which picks up those left by an
 * instance that died (their lease expired). Closing the app asks the run in flight to stop after
 * its batch and waits for it, bounded; an import received is started at once by its route.
 */
import type { FastifyInstance } from 'fastify';
import { settlesWithin } from '../../core/settle.js';
import type { ImportService } from './import.service.js';

const IMPORT_SWEEP_MS = 5_000;
const STOP_TIMEOUT_MS = 10_000;

export function registerImportWorker(app: FastifyInstance, imports: Pick<ImportService, 'kick' | 'stop'>): void {
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onListen', (done) => {
    imports.kick();
    timer ??= setInterval(imports.kick, IMPORT_SWEEP_MS).unref();
    done();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    if (!(await settlesWithin(imports.stop(), STOP_TIMEOUT_MS)))
      app.log.warn({}, 'closed with a guest import in flight; its lease expires and another instance resumes it');
  });
}
