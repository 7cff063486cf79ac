/**
 * The guest's task page (docs/guest-side.md, Get my task page): summary, fields with a proper
 * control for each type, comments, a comment form and a complete form. Plain forms that work
 * without JavaScript, every control labelled; every value from the database or the request goes
 * through `escapeHtml` (titles, labels, options and comments are typed by other people).
 */
import type { GuestSideView } from './portal.schemas.js';
import type { Task, TaskComment, TaskField } from '../tasks/task.schemas.js';
import { escapeHtml, layout } from './page.html.js';
import { fieldName, type SubmittedValues } from './task-page.form.js';
import { filesSection, uploadInputId } from './task-page.files.js';
import type { TaskFile } from '../files/file.schemas.js';

export type TaskForm = 'values' | 'comment' | 'complete' | 'files';

export interface TaskPageModel {
  view: GuestSideView;
  task: Task;
  /** Form actions and the link back to the guest page. */
  paths: Record<TaskForm | 'back', string>;
  /** The form just saved (after its 303). */
  notice?: TaskForm;
  /** Field -> messages of the form that could not be saved, and the values to show again. */
  errors: Record<string, string[]>;
  failed?: TaskForm;
  submitted?: SubmittedValues;
  draft?: { content?: string; is_problem?: boolean; comment?: string };
  /** The task's files, each with its page download link (docs/guest-side.md, Download a file from my task page). */
  files: readonly TaskFile[];
}

const NOTICES: Record<TaskForm, string> = {
  values: 'Saved. Your answers have been updated.',
  comment: 'Your comment was added.',
  complete: 'Thank you: your completion was recorded.',
  files: 'Your file was uploaded.',
};
const FAILED: Record<TaskForm, string> = {
  values: 'Your answers were not saved',
  comment: 'Your comment was not added',
  complete: 'The task was not completed',
  files: 'Your file was not uploaded',
};

const e = escapeHtml;
const controlId = (fieldId: string) => `f-${fieldId}`;

/** Messages keyed `taskdata.<field id>` belong to that field's control. */
function targetOf(key: string): string | undefined {
  if (key.startsWith('taskdata.')) return controlId(key.slice('taskdata.'.length));
  if (key.startsWith('file.')) return uploadInputId(key === 'file.task' ? undefined : key.slice('file.'.length));
  return { content: 'content', comment: 'complete-comment', is_approved: 'decision' }[key];
}

function errorSummary(model: TaskPageModel): string {
  if (!model.failed) return '';
  const items = Object.entries(model.errors).flatMap(([key, messages]) => {
    const target = targetOf(key);
    return messages.map((m) => (target ? `<li><a href="#${target}">${e(m)}</a></li>` : `<li>${e(m)}</li>`));
  });
  return `<div class="problem" role="alert" aria-labelledby="problem-heading"><h2 id="problem-heading">${FAILED[model.failed]}</h2><ul>${items.join('')}</ul></div>`;
}

function fieldErrors(model: TaskPageModel, key: string, id: string): { html: string; describedBy: string } {
  const messages = model.errors[key];
  if (!messages) return { html: '', describedBy: '' };
  return {
    html: `<p class="field-error" id="${id}-error">${messages.map(e).join(' ')}</p>`,
    describedBy: ` aria-describedby="${id}-error" aria-invalid="true"`,
  };
}

/** The field's current values as strings: what was just submitted, or what is stored. */
function shownValues(model: TaskPageModel, field: TaskField): string[] {
  const submitted = model.failed === 'values' ? model.submitted?.get(field.id) : undefined;
  if (submitted) return submitted;
  if (field.value === null || field.value === undefined) return [];
  return Array.isArray(field.value) ? field.value.map(String) : [String(field.value)];
}

function choices(name: string, id: string, type: 'radio' | 'checkbox', options: readonly string[], chosen: string[]) {
  return options
    .map((option, i) => {
      const optionId = `${id}-${i}`;
      const checked = chosen.includes(option) ? ' checked' : '';
      return `<div class="check"><input type="${type}" id="${optionId}" name="${name}" value="${e(option)}"${checked}><label for="${optionId}">${e(option)}</label></div>`;
    })
    .join('');
}

/** One field's control: select for dropdowns, radios, checkboxes for multiselect, a date input, yes/no for checkboxes. */
function fieldControl(model: TaskPageModel, field: TaskField): string {
  const id = controlId(field.id);
  const name = fieldName(field.id);
  const values = shownValues(model, field);
  const label = `${e(field.label)}${field.required ? ' <span class="hint">(required)</span>' : ''}`;
  const errors = fieldErrors(model, `taskdata.${field.id}`, id);
  // Marked, not enforced by the browser: answers may be saved a few at a time; only completing
  // needs every required field (docs/task-work.md, Complete task).
  const required = field.required ? ' aria-required="true"' : '';
  const value = e(values[0] ?? '');
  const group = (options: readonly string[], type: 'radio' | 'checkbox') =>
    `<fieldset id="${id}"${errors.describedBy}><legend>${label}</legend>${errors.html}${choices(name, id, type, options, values)}</fieldset>`;
  switch (field.field_type) {
    case 'radio':
      return group(field.options ?? [], 'radio');
    case 'multiselect':
      return group(field.options ?? [], 'checkbox');
    case 'checkbox':
      return `<fieldset id="${id}"${errors.describedBy}><legend>${label}</legend>${errors.html}${choices(name, id, 'radio', ['yes', 'no'], values)}</fieldset>`;
    case 'dropdown': {
      const options = [
        '<option value="">Choose…</option>',
        ...(field.options ?? []).map(
          (o) => `<option value="${e(o)}"${values[0] === o ? ' selected' : ''}>${e(o)}</option>`,
        ),
      ];
      return `<label class="block" for="${id}">${label}</label>${errors.html}<select id="${id}" name="${name}"${required}${errors.describedBy}>${options.join('')}</select>`;
    }
    case 'textarea':
      return `<label class="block" for="${id}">${label}</label>${errors.html}<textarea id="${id}" name="${name}" rows="5" maxlength="20000"${required}${errors.describedBy}>${value}</textarea>`;
    default: {
      const type = { date: 'date', email: 'email', number: 'number', text: 'text' }[field.field_type] ?? 'text';
      const extra =
        field.field_type === 'number'
          ? ' step="any" inputmode="decimal"'
          : field.field_type === 'text'
            ? ' maxlength="600"'
            : '';
      return `<label class="block" for="${id}">${label}</label>${errors.html}<input type="${type}" id="${id}" name="${name}" value="${value}"${extra}${required}${errors.describedBy}>`;
    }
  }
}

function fieldsSection(model: TaskPageModel): string {
  // File fields have a part of their own (task-page.files.ts): a file is uploaded, not typed.
  const task = { ...model.task, form_fields: model.task.form_fields.filter((f) => f.field_type !== 'file') };
  if (task.form_fields.length === 0) return '';
  const heading = '<h2 id="fields-heading">Your answers</h2>';
  if (task.status === 'completed') {
    const rows = task.form_fields.map((f) => {
      const shown = shownValues(model, f);
      return `<dt>${e(f.label)}</dt><dd class="text">${shown.length ? e(shown.join(', ')) : '<span class="hint">(empty)</span>'}</dd>`;
    });
    return `<section aria-labelledby="fields-heading">${heading}<dl>${rows.join('')}</dl></section>`;
  }
  return [
    `<section aria-labelledby="fields-heading">${heading}`,
    `<form method="post" action="${e(model.paths.values)}">`,
    ...task.form_fields.map((f) => fieldControl(model, f)),
    '<div class="buttons"><button type="submit">Save answers</button></div>',
    '</form></section>',
  ].join('\n');
}

function commentItem(comment: TaskComment): string {
  const who = comment.author.name ?? comment.author.email ?? 'A member';
  const state = comment.is_problem
    ? comment.resolved_at
      ? ' <strong>Problem (resolved)</strong>'
      : ' <strong class="overdue">Problem</strong>'
    : '';
  return `<li><p><strong>${e(who)}</strong> <span class="hint">${e(comment.created_at ?? '')} UTC</span>${state}</p><p class="text">${e(comment.content)}</p></li>`;
}

function commentsSection(model: TaskPageModel): string {
  const threads = model.task.threads ?? [];
  const list = threads.length
    ? `<ul class="comments">${threads.map(commentItem).join('')}</ul>`
    : '<p>No comments yet.</p>';
  const errors = fieldErrors(model, 'content', 'content');
  const draft = model.failed === 'comment' ? model.draft : undefined;
  return [
    `<section aria-labelledby="comments-heading"><h2 id="comments-heading">Comments</h2>${list}`,
    `<form method="post" action="${e(model.paths.comment)}">`,
    `<label class="block" for="content">Add a comment</label>${errors.html}<textarea id="content" name="content" rows="4" maxlength="20000" required${errors.describedBy}>${e(draft?.content ?? '')}</textarea>`,
    `<div class="check"><input type="checkbox" id="is_problem" name="is_problem" value="on"${draft?.is_problem ? ' checked' : ''}><label for="is_problem">This reports a problem</label></div>`,
    '<div class="buttons"><button type="submit">Add comment</button></div>',
    '</form></section>',
  ].join('\n');
}

function completeSection(model: TaskPageModel): string {
  const { task, view } = model;
  if (task.status === 'completed') {
    const answer = task.is_approved === null ? '' : task.is_approved ? ' You approved it.' : ' It was rejected.';
    return `<p class="notice">This task is completed.${answer}</p>`;
  }
  if (task.completed_by.guests.includes(view.guest.email))
    return '<p class="notice">You have completed your part. The task completes when everyone has.</p>';
  const errors = fieldErrors(model, 'comment', 'complete-comment');
  const decision = fieldErrors(model, 'is_approved', 'decision');
  const buttons =
    task.task_type === 'approval'
      ? `<div class="buttons" id="decision"${decision.describedBy}><button type="submit" name="decision" value="approve">Approve</button><button type="submit" name="decision" value="reject">Reject</button></div>`
      : '<div class="buttons"><button type="submit">Complete task</button></div>';
  return [
    '<section aria-labelledby="complete-heading"><h2 id="complete-heading">Complete</h2>',
    `<form method="post" action="${e(model.paths.complete)}">`,
    decision.html,
    `<label class="block" for="complete-comment">Comment (optional)</label>${errors.html}<textarea id="complete-comment" name="comment" rows="3" maxlength="20000"${errors.describedBy}>${e(model.failed === 'complete' ? (model.draft?.comment ?? '') : '')}</textarea>`,
    buttons,
    '</form></section>',
  ].join('\n');
}

/** The whole task page. */
export function taskPage(model: TaskPageModel): string {
  const { task, view } = model;
  const status =
    task.status === 'completed' ? 'Completed' : task.is_overdue ? '<strong class="overdue">Overdue</strong>' : 'Open';
  const due = `<time datetime="${e(task.deadline.replace(' ', 'T'))}Z">${e(task.deadline)} UTC</time>`;
  return layout(
    `${model.failed ? 'Error: ' : ''}${task.title} — ${view.organization.name}`,
    [
      `<header><p class="org">${e(view.organization.name)}</p><p><a href="${e(model.paths.back)}">← All your tasks</a></p><h1>${e(task.title)}</h1>`,
      `<p>${status} · due ${due}</p></header>`,
      model.notice && !model.failed ? `<p class="notice" role="status">${NOTICES[model.notice]}</p>` : '',
      errorSummary(model),
      task.summary ? `<p class="text">${e(task.summary)}</p>` : '',
      fieldsSection(model),
      filesSection({
        fields: task.form_fields,
        files: model.files,
        open: task.status !== 'completed',
        action: model.paths.files,
        errors: model.failed === 'files' ? model.errors : {},
      }),
      completeSection(model),
      commentsSection(model),
    ]
      .filter(Boolean)
      .join('\n'),
  );
}
