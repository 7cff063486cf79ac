/**
 * Files on tasks (docs/files.md; the guest's side in docs/guest-side.md): upload, list, download
 * and delete, for the organization's members and for the task's guests. A member reaches every
 * task of their organization (writing needs an admin or standard member); a guest only tasks they
 * own in the organization of their link, and any other task or file answers exactly as a bad link.
 */
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { AppError, notFound, validationFailed } from '../core/errors.js';
import { isHexId, newHexId } from '../core/secrets.js';
import { formatTimestamp, now } from '../core/time.js';
import type { TaskActor } from '../tasks/task.ports.js';
import type { TaskRow } from '../tasks/task.read.js';
import { fieldsOf, isGuestOwner } from '../tasks/task-work.repository.js';
import { reachableTask } from '../tasks/task-access.js';
import type { TaskFile } from './file.schemas.js';
import { readChunks, tooLarge, writeChunks } from './file-store.js';
import * as repo from './file.repository.js';

type Q = Kysely<Database>;

/** An upload not finished within this time is abandoned: its chunks are deleted. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

export interface FileLimits {
  maxBytes: number;
  taskMaxBytes: number;
  taskMaxCount: number;
}

export interface FileDeps {
  db: Q;
  limits: FileLimits;
  /** What a guest is answered for a task or file they may not reach: the same as a bad link. */
  guestNotFound: () => AppError;
  /** Where a file is downloaded, for the one who asks. */
  urlOf: (actor: TaskActor, file: { id: string; task_id: string }) => string;
}

export interface UploadInput {
  taskId: string;
  /** The task's file field, or undefined for a file on the task. */
  fieldId?: string | undefined;
  filename: string;
  stream: AsyncIterable<Buffer>;
}

export function createFileService({ db, limits, guestNotFound, urlOf }: FileDeps) {
  const missing = (actor: TaskActor, what: string) => (actor.kind === 'guest' ? guestNotFound() : notFound(what));

  /** The task the actor may reach; writes need a write role (members) or ownership (guests). */
  function taskFor(q: Q, actor: TaskActor, taskId: string, write: boolean, lock = false): Promise<TaskRow> {
    return reachableTask(q, actor, taskId, { write, lock, guestNotFound });
  }

  /** A ready file the actor may reach (and, when given, on that task). */
  async function fileFor(actor: TaskActor, fileId: string, taskId?: string): Promise<repo.FileRow> {
    const file = isHexId(fileId) ? await repo.findFile(db, actor.organizationId, fileId) : undefined;
    if (!file || (taskId !== undefined && file.task_id !== taskId)) throw missing(actor, 'file');
    if (actor.kind === 'guest' && !(await isGuestOwner(db, file.task_id, actor.organizationGuestId)))
      throw guestNotFound();
    return file;
  }

  function toFile(actor: TaskActor, row: repo.FileRow): TaskFile {
    return {
      id: row.id,
      filename: row.name,
      content_type: row.content_type,
      size: Number(row.size),
      sha256: row.sha256,
      task_id: row.task_id,
      field_id: row.field_id,
      uploaded_from: row.field_id,
      uploaded_by:
        row.uploaded_by_guest_id !== null
          ? { type: 'guest', id: null, email: row.guest_email }
          : { type: 'member', id: row.uploaded_by_user_id, email: null },
      created_at: row.created_at,
      url: urlOf(actor, row),
    };
  }

  const taskFull = () =>
    new AppError('PAYLOAD_TOO_LARGE', `A task's files may hold at most ${limits.taskMaxBytes} bytes together.`);

  function overTaskLimit(count: number, bytes: number): AppError | undefined {
    if (count > limits.taskMaxCount)
      return new AppError('PAYLOAD_TOO_LARGE', `A task may hold at most ${limits.taskMaxCount} files.`);
    return bytes > limits.taskMaxBytes ? taskFull() : undefined;
  }

  /** docs/files.md, Upload file: checked before the bytes are read, then again when they are all stored. */
  async function upload(actor: TaskActor, input: UploadInput): Promise<TaskFile> {
    const task = await taskFor(db, actor, input.taskId, true);
    if (task.completed_at !== null)
      throw validationFailed({ file: ['The task is completed: its files cannot change. Reopen it first.'] });
    if (input.fieldId !== undefined) {
      const field = (await fieldsOf(db, task.id)).find((f) => f.id === input.fieldId);
      if (field?.field_type !== 'file')
        throw validationFailed({ uploaded_from: ['The task has no file field with this id.'] });
    }
    const usage = await repo.taskUsage(db, task.id);
    const early = overTaskLimit(usage.count + 1, usage.bytes);
    if (early) throw early;

    const room = limits.taskMaxBytes - usage.bytes;
    const id = newHexId();
    let begun = false;
    try {
      const written = await writeChunks(db, id, input.stream, {
        name: input.filename,
        maxBytes: Math.min(limits.maxBytes, room),
        tooLarge: () => (room < limits.maxBytes ? taskFull() : tooLarge(limits.maxBytes)),
        begin: async (name, contentType) => {
          begun = true;
          await repo.insertFile(db, {
            id,
            organization_id: actor.organizationId,
            task_id: task.id,
            field_id: input.fieldId ?? null,
            name,
            content_type: contentType,
            size: 0,
            sha256: '',
            uploaded_by_user_id: actor.kind === 'member' ? actor.userId : null,
            uploaded_by_guest_id: actor.kind === 'guest' ? actor.organizationGuestId : null,
            status: 'uploading',
            created_at: now(),
          });
        },
      });
      // The whole file is stored: it becomes visible only if the task (still there, still the
      // actor's, still open) has room for it, checked with the task locked.
      await db.transaction().execute(async (trx) => {
        const locked = await taskFor(trx, actor, task.id, true, true);
        if (locked.completed_at !== null)
          throw validationFailed({ file: ['The task was completed meanwhile: its files cannot change.'] });
        const usageNow = await repo.taskUsage(trx, task.id);
        const over = overTaskLimit(usageNow.count + 1, usageNow.bytes + written.size);
        if (over) throw over;
        await repo.markReady(trx, id, written.size, written.sha256);
      });
    } catch (error) {
      if (begun) await repo.deleteFile(db, id).catch(() => undefined);
      throw error;
    }
    return toFile(actor, await fileFor(actor, id));
  }

  return {
    upload,

    /** docs/files.md, List task files. */
    async list(actor: TaskActor, taskId: string): Promise<TaskFile[]> {
      const task = await taskFor(db, actor, taskId, false);
      return (await repo.filesOfTask(db, task.id)).map((row) => toFile(actor, row));
    },

    /** docs/files.md, Download file: the file's answer fields and a stream of its bytes. */
    async open(actor: TaskActor, fileId: string, taskId?: string): Promise<{ file: TaskFile; body: Readable }> {
      const row = await fileFor(actor, fileId, taskId);
      return { file: toFile(actor, row), body: readChunks(db, row.id) };
    },

    /** docs/files.md, Delete file: a member with a write role; a guest only their own, while the task is open. */
    async remove(actor: TaskActor, fileId: string, taskId?: string): Promise<void> {
      const row = await fileFor(actor, fileId, taskId);
      await db.transaction().execute(async (trx) => {
        const task = await taskFor(trx, actor, row.task_id, true, true);
        if (actor.kind === 'guest') {
          if (row.uploaded_by_guest_id !== actor.organizationGuestId)
            throw new AppError('FORBIDDEN', 'A guest may delete only the files they uploaded.');
          if (task.completed_at !== null)
            throw validationFailed({ file: ['The task is completed: its files cannot change.'] });
        }
        await repo.deleteFile(trx, row.id);
      });
    },

    /** Deletes uploads abandoned more than an hour ago (a crash or a lost connection mid-upload). */
    async deleteAbandonedUploads(at = new Date()): Promise<number> {
      const ids = await repo.staleUploads(db, formatTimestamp(new Date(at.getTime() - ABANDONED_AFTER_MS)));
      for (const id of ids) await repo.deleteFile(db, id);
      return ids.length;
    },
  };
}

export type FileService = ReturnType<typeof createFileService>;
