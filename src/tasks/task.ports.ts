/**
 * What the guest's side asks of tasks (docs/guest-side.md): the same rules as the organization's
 * task API, with a guest as the one who acts. A guest reaches only tasks they own in the
 * organization of their link; any other task answers 404, as a bad code does.
 */
import type { Role } from '../core/actor.js';
import type { Task, TaskComment } from './task.schemas.js';

/** Who acts on a task: a member of its organization, or one of its guests (by the organization's record of them). */
export type TaskActor =
  | { kind: 'member'; organizationId: string; userId: number; role: Role }
  | { kind: 'guest'; organizationId: string; organizationGuestId: number };

export type TaskStatusFilter = 'active' | 'completed' | 'all';

export interface CompleteTaskInput {
  task_id: string;
  is_approved?: boolean;
  comment?: string;
}

export interface CommentInput {
  content: string;
  is_problem?: boolean;
}

/** @public The guest's side implements it (docs/guest-side.md); exported for that side before it is written. */
export interface GuestTaskAccess {
  /** The guest's tasks in the organization: open first by deadline, then completed, newest first. */
  listForGuest(organizationId: string, organizationGuestId: number, status: TaskStatusFilter): Promise<Task[]>;
  /** One task the guest owns, with its comments; 404 `RESOURCE_NOT_FOUND` for any other. */
  getForGuest(organizationId: string, organizationGuestId: number, taskId: string): Promise<Task>;
  /**
   * Saves field values (field id -> value; null or '' empties a field). Each value is checked by
   * its field's type; 422 `VALIDATION_FAILED` names every bad field; nothing is saved then.
   * A completed task's values cannot change (422).
   */
  saveValues(actor: TaskActor, taskId: string, values: Record<string, unknown>): Promise<Task>;
  comment(actor: TaskActor, taskId: string, input: CommentInput): Promise<TaskComment>;
  /** Completes the actor's part (everyone-must-complete) or the task; 422 naming any empty required field. */
  complete(actor: TaskActor, input: CompleteTaskInput): Promise<Task>;
}
