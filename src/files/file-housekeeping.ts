/**
 * Uploads left unfinished by a crash or a lost connection (docs/files.md, Upload file) are deleted
 * when the server starts listening and every hour after: their chunks would otherwise stay.
 * Any instance may do it; deleting twice deletes nothing more.
 */
import type { FastifyInstance } from 'fastify';
import type { FileService } from './file.service.js';

const EVERY_MS = 60 * 60 * 1000;

export function registerFileHousekeeping(app: FastifyInstance, files: Pick<FileService, 'deleteAbandonedUploads'>) {
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    files
      .deleteAbandonedUploads()
      .then((deleted) => {
        if (deleted > 0) app.log.info({ deleted }, 'deleted abandoned uploads');
      })
      .catch((error: unknown) => app.log.warn({ err: error }, 'deleting abandoned uploads failed; retried in an hour'));
  };
  app.addHook('onListen', (done) => {
    run();
    timer ??= setInterval(run, EVERY_MS).unref();
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    clearInterval(timer);
    done();
  });
}
