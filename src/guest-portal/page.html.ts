/**
 * The guest's page as HTML: plain, accessible markup that works without JavaScript, one small
 * inline style sheet and no external resources. Every value from the database or the request
 * goes through `escapeHtml`: names are whatever an organization typed.
 */
import { htmlPages } from '../http/html-page.js';
import { WEEKDAYS } from '../guests/guest.schemas.js';
import type { PreferenceSlug, PreferenceValue } from './preferences.js';
import type { GuestSideView } from './portal.schemas.js';
import type { GuestTask } from './portal.service.js';

/** Text as HTML text or attribute value: `&<>"'` as character references. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = [
  ':root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.5}',
  'body{margin:0;padding:1rem}main{max-width:40rem;margin:0 auto}',
  'h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin-top:2rem}',
  '.org{margin:0;font-weight:600;opacity:.8}',
  'fieldset{border:1px solid #8888;border-radius:.4rem;margin:0 0 1rem;padding:.5rem 1rem 1rem}',
  'legend{font-weight:600;padding:0 .3rem}ul.days{list-style:none;margin:0;padding:0;columns:2}',
  'ul.days li,.check{display:flex;gap:.5rem;align-items:center;min-height:2.75rem}',
  'input[type=checkbox]{width:1.25rem;height:1.25rem;margin:0}',
  'label.block{display:block;margin-top:.75rem}select{font:inherit;padding:.4rem;max-width:100%;margin-top:.25rem}',
  'button{font:inherit;font-weight:600;padding:.6rem 1.5rem;border-radius:.4rem;border:2px solid currentColor;cursor:pointer}',
  '.notice{border-left:.3rem solid #2a7d2a;padding:.5rem 1rem;background:#2a7d2a22}',
  '.problem{border-left:.3rem solid #b42318;padding:.5rem 1rem;background:#b4231822}',
  '.field-error{color:#b42318;font-weight:600;margin:.25rem 0}@media (prefers-color-scheme:dark){.field-error{color:#ff8a80}}',
  '.hint{margin:.25rem 0;opacity:.8}:focus-visible{outline:3px solid #1a73e8;outline-offset:2px}',
  '.overdue{color:#b42318}@media (prefers-color-scheme:dark){.overdue{color:#ff8a80}}',
  'input[type=text],input[type=email],input[type=date],input[type=number],textarea{font:inherit;padding:.4rem;width:100%;box-sizing:border-box;margin-top:.25rem}',
  '.text{white-space:pre-wrap;overflow-wrap:anywhere}ul.comments{list-style:none;padding:0}ul.comments li{border-top:1px solid #8888;padding:.5rem 0}',
  'input[type=radio]{width:1.25rem;height:1.25rem;margin:0}.buttons{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1rem}',
].join('');

const PAGES = htmlPages(STYLE);
export const PAGE_HEADERS = PAGES.headers;
export const layout = PAGES.layout;

/** The one page for every link that does not work: the same bytes whatever the reason. */
export const NOT_FOUND_PAGE = layout(
  'Link not found',
  [
    '<h1>This link does not work</h1>',
    '<p>The guest link you followed is not valid. It may have been replaced by a newer link, or your access may have ended.</p>',
    '<p>Ask the organization that invited you to send you a new link.</p>',
  ].join('\n'),
);

/** A plain page for a request the page cannot take (too large, wrong form encoding, server error). */
export function errorPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}

function taskItem(task: GuestTask): string {
  const due =
    task.deadline === null
      ? ''
      : ` <span class="hint">(due <time datetime="${escapeHtml(task.deadline.replace(' ', 'T'))}Z">${escapeHtml(task.deadline)} UTC</time>)</span>`;
  const overdue = task.overdue ? ' <strong class="overdue">Overdue</strong>' : '';
  const title = task.href ? `<a href="${escapeHtml(task.href)}">${escapeHtml(task.title)}</a>` : escapeHtml(task.title);
  return `<li>${title}${overdue}${due}</li>`;
}

/** The tasks section: open tasks (in the order given), then completed ones, or an honest empty state. */
export function tasksSection(tasks: readonly GuestTask[]): string {
  const open = tasks.filter((task) => !task.completed).map(taskItem);
  const done = tasks.filter((task) => task.completed).map(taskItem);
  const content =
    tasks.length === 0
      ? '<p>No tasks yet. When the organization gives you a task, it will be listed here.</p>'
      : [
          open.length ? `<ul>${open.join('')}</ul>` : '<p>No open tasks.</p>',
          done.length
            ? `<h3 id="completed-heading">Completed</h3><ul aria-labelledby="completed-heading">${done.join('')}</ul>`
            : '',
        ]
          .filter(Boolean)
          .join('\n');
  return `<section aria-labelledby="tasks-heading"><h2 id="tasks-heading">Your tasks</h2>\n${content}</section>`;
}

/** Languages offered in the form; a tag set through the API that is not listed is added to it. */
const LANGUAGE_CHOICES = ['en', 'de', 'es', 'fr', 'it', 'nl', 'pt', 'pt-BR', 'pl', 'sv', 'ja', 'zh'];

function languageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames([tag], { type: 'language' }).of(tag);
    return name ? `${name.charAt(0).toLocaleUpperCase(tag)}${name.slice(1)} (${tag})` : tag;
  } catch {
    return tag;
  }
}

/** The form's values, as stored or as just submitted. */
export interface FormValues {
  cadenceDays: readonly string[];
  preferences: Record<PreferenceSlug, PreferenceValue>;
}

/** The page's data: the guest in this organization, their tasks, the form and its outcome. */
export interface GuestPageModel {
  view: GuestSideView;
  tasks: readonly GuestTask[];
  form: FormValues;
  /** The form's action: the page's own path. */
  action: string;
  saved: boolean;
  /** Field -> messages, after a form that could not be saved. */
  errors: Record<string, string[]>;
}

/** Where each field's error links to: the first control of the field. */
const FIELD_TARGETS: Record<string, string> = {
  cadence_days: 'day-monday',
  daily_digest: 'daily_digest',
  task_reminders: 'task_reminders',
  content_language: 'content_language',
  app_language: 'app_language',
};

function fieldError(errors: Record<string, string[]>, field: string): string {
  const messages = errors[field];
  return messages ? `<p class="field-error" id="${field}-error">${messages.map(escapeHtml).join(' ')}</p>` : '';
}

function describedBy(errors: Record<string, string[]>, field: string, hint?: string): string {
  const ids = [hint, errors[field] ? `${field}-error` : undefined].filter(Boolean);
  return ids.length ? ` aria-describedby="${ids.join(' ')}"` : '';
}

function languageSelect(
  field: 'content_language' | 'app_language',
  label: string,
  value: PreferenceValue,
  errors: Record<string, string[]>,
): string {
  const current = typeof value === 'string' ? value : '';
  const tags = current && !LANGUAGE_CHOICES.includes(current) ? [...LANGUAGE_CHOICES, current] : LANGUAGE_CHOICES;
  const options = [
    `<option value=""${current === '' ? ' selected' : ''}>The organization's default</option>`,
    ...tags.map(
      (tag) =>
        `<option value="${escapeHtml(tag)}" lang="${escapeHtml(tag)}"${tag === current ? ' selected' : ''}>${escapeHtml(languageName(tag))}</option>`,
    ),
  ];
  const invalid = errors[field] ? ' aria-invalid="true"' : '';
  return `<label class="block" for="${field}">${label}</label>${fieldError(errors, field)}<select id="${field}" name="${field}"${invalid}${describedBy(errors, field)}>${options.join('')}</select>`;
}

function settingsForm(model: GuestPageModel): string {
  const { form, errors } = model;
  const days = WEEKDAYS.map((day) => {
    const id = `day-${day.toLowerCase()}`;
    const checked = form.cadenceDays.includes(day) ? ' checked' : '';
    return `<li><input type="checkbox" id="${id}" name="cadence_days" value="${day}"${checked}><label for="${id}">${day}</label></li>`;
  });
  const digestChecked = form.preferences.daily_digest === false ? '' : ' checked';
  const remindersChecked = form.preferences.task_reminders === false ? '' : ' checked';
  return [
    '<section aria-labelledby="settings-heading"><h2 id="settings-heading">Your email settings</h2>',
    `<form method="post" action="${escapeHtml(model.action)}">`,
    '<fieldset><legend>Emails</legend>',
    fieldError(errors, 'daily_digest'),
    `<div class="check"><input type="checkbox" id="daily_digest" name="daily_digest" value="on"${digestChecked}${describedBy(errors, 'daily_digest')}><label for="daily_digest">Email me a digest of my tasks</label></div>`,
    fieldError(errors, 'task_reminders'),
    `<div class="check"><input type="checkbox" id="task_reminders" name="task_reminders" value="on"${remindersChecked}${describedBy(errors, 'task_reminders')}><label for="task_reminders">Email me reminders when a task is due</label></div>`,
    '</fieldset>',
    // The group's description carries the hint and any error: read when the guest enters it.
    `<fieldset${describedBy(errors, 'cadence_days', 'days-hint')}><legend>Days to send the digest</legend>`,
    '<p class="hint" id="days-hint">Tick the days you want the digest. With no day ticked, no digest is sent.</p>',
    fieldError(errors, 'cadence_days'),
    `<ul class="days">${days.join('')}</ul>`,
    '</fieldset>',
    '<fieldset><legend>Languages</legend>',
    languageSelect('content_language', 'Language of task content', form.preferences.content_language, errors),
    languageSelect('app_language', 'Language of the app and its emails', form.preferences.app_language, errors),
    '</fieldset>',
    '<button type="submit">Save settings</button>',
    '</form></section>',
  ]
    .filter(Boolean)
    .join('\n');
}

function errorSummary(errors: Record<string, string[]>): string {
  const items = Object.entries(errors).flatMap(([field, messages]) => {
    const target = FIELD_TARGETS[field];
    return messages.map((m) =>
      target ? `<li><a href="#${target}">${escapeHtml(m)}</a></li>` : `<li>${escapeHtml(m)}</li>`,
    );
  });
  return `<div class="problem" role="alert" aria-labelledby="problem-heading"><h2 id="problem-heading">Your settings were not saved</h2><ul>${items.join('')}</ul></div>`;
}

/** The guest's name as this organization has it, or their email when it has none. */
export function displayName(view: GuestSideView): string {
  const name = [view.guest.first_name, view.guest.last_name].filter((part) => part !== null && part !== '').join(' ');
  return name || view.guest.email;
}

/** The guest's page: organization, name, tasks, the settings form and the outcome of the last save. */
export function guestPage(model: GuestPageModel): string {
  const org = model.view.organization.name;
  const hasErrors = Object.keys(model.errors).length > 0;
  return layout(
    `${hasErrors ? 'Error: ' : ''}${org} — your guest page`,
    [
      `<header><p class="org">${escapeHtml(org)}</p><h1>Hello, ${escapeHtml(displayName(model.view))}</h1></header>`,
      model.saved && !hasErrors ? '<p class="notice" role="status">Saved. Your settings have been updated.</p>' : '',
      hasErrors ? errorSummary(model.errors) : '',
      tasksSection(model.tasks),
      settingsForm(model),
    ]
      .filter(Boolean)
      .join('\n'),
  );
}
