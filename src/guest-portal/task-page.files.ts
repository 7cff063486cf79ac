/**
 * The files part of the guest's task page (docs/guest-side.md, Upload a file on my task page):
 * each file field with its files as download links and, while the task is open, a plain
 * `multipart/form-data` form with one file input; then any other files of the task and a form to
 * attach one. No JavaScript. Every name goes through `escapeHtml` (other people chose them).
 */
import type { TaskFile } from '../files/file.schemas.js';
import type { TaskField } from '../tasks/task.schemas.js';
import { escapeHtml as e } from './page.html.js';

export interface FilesModel {
  fields: readonly TaskField[];
  files: readonly TaskFile[];
  open: boolean;
  /** Where the forms post. */
  action: string;
  /** Messages keyed `file.<field id>` (or `file.task`) of the upload that failed. */
  errors: Record<string, string[]>;
}

/** The key of an upload's messages, and the id of its input: per field, or `task` for the task. */
export const uploadKey = (fieldId: string | undefined) => `file.${fieldId ?? 'task'}`;
export const uploadInputId = (fieldId: string | undefined) => `upload-${fieldId ?? 'task'}`;

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function fileList(files: readonly TaskFile[]): string {
  if (files.length === 0) return '<p class="hint">No file yet.</p>';
  const items = files.map(
    (f) => `<li><a href="${e(f.url)}" download>${e(f.filename)}</a> <span class="hint">(${size(f.size)})</span></li>`,
  );
  return `<ul class="files">${items.join('')}</ul>`;
}

function uploadForm(model: FilesModel, fieldId: string | undefined, label: string): string {
  const id = uploadInputId(fieldId);
  const messages = model.errors[uploadKey(fieldId)];
  const error = messages ? `<p class="field-error" id="${id}-error">${messages.map(e).join(' ')}</p>` : '';
  const describedBy = messages ? ` aria-describedby="${id}-error" aria-invalid="true"` : '';
  return [
    `<form method="post" action="${e(model.action)}" enctype="multipart/form-data">`,
    fieldId === undefined ? '' : `<input type="hidden" name="uploaded_from" value="${e(fieldId)}">`,
    `<label class="block" for="${id}">${label}</label>${error}`,
    `<input type="file" id="${id}" name="file" required${describedBy}>`,
    '<div class="buttons"><button type="submit">Upload</button></div>',
    '</form>',
  ].join('');
}

/** The section, or '' for a task with no file field and no file. */
export function filesSection(model: FilesModel): string {
  const fileFields = model.fields.filter((f) => f.field_type === 'file');
  const inField = new Set(fileFields.map((f) => f.id));
  const others = model.files.filter((f) => f.field_id === null || !inField.has(f.field_id));
  const parts = fileFields.map((field) => {
    const label = `${e(field.label)}${field.required ? ' <span class="hint">(required)</span>' : ''}`;
    const files = model.files.filter((f) => f.field_id === field.id);
    return [
      `<h3>${label}</h3>`,
      fileList(files),
      model.open ? uploadForm(model, field.id, `Add a file to ${e(field.label)}`) : '',
    ].join('');
  });
  if (others.length > 0 || model.open) {
    parts.push(
      `<h3>${fileFields.length ? 'Other files' : 'Files on this task'}</h3>`,
      others.length ? fileList(others) : '',
      model.open ? uploadForm(model, undefined, 'Attach a file to the task') : '',
    );
  }
  if (parts.length === 0) return '';
  return `<section aria-labelledby="files-heading"><h2 id="files-heading">Files</h2>${parts.join('')}</section>`;
}
