/**
 * The accept link's pages as HTML: plain, accessible markup that works without JavaScript, one
 * small inline style sheet (allowed by its hash) and no external resources. Every value that a
 * person typed (organization, names, the message) is escaped.
 */
import { escapeHtml } from '../core/html.js';
import { htmlPages } from '../http/html-page.js';
import { ROLE_NAMES } from './invitation.messages.js';
import type { InvitationView } from './invitation.schemas.js';

const STYLE = [
  ':root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.5}',
  'body{margin:0;padding:1rem}main{max-width:40rem;margin:0 auto}',
  'h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin-top:2rem}',
  '.org{margin:0;font-weight:600;opacity:.8}dt{font-weight:600}dd{margin:0 0 .75rem}',
  'blockquote{white-space:pre-wrap;border-left:.3rem solid #8888;margin:0;padding:.25rem 1rem}',
  'label{display:block;margin-top:.75rem;font-weight:600}',
  'input[type=text]{font:inherit;padding:.4rem;width:100%;max-width:24rem;box-sizing:border-box}',
  'button{font:inherit;font-weight:600;margin-top:1.25rem;padding:.6rem 1.5rem;border-radius:.4rem;border:2px solid currentColor;cursor:pointer}',
  'pre{white-space:pre-wrap;word-break:break-all;border:1px solid #8888;border-radius:.4rem;padding:.75rem}',
  '.notice{border-left:.3rem solid #2a7d2a;padding:.5rem 1rem;background:#2a7d2a22}',
  '.problem{border-left:.3rem solid #b42318;padding:.5rem 1rem;background:#b4231822}',
  '.field-error{color:#b42318;font-weight:600;margin:.25rem 0}@media (prefers-color-scheme:dark){.field-error{color:#ff8a80}}',
  ':focus-visible{outline:3px solid #1a73e8;outline-offset:2px}',
].join('');

const PAGES = htmlPages(STYLE);
export const PAGE_HEADERS = PAGES.headers;
const layout = PAGES.layout;

/** The one page for every link that opens nothing: the same bytes whatever the reason. */
export const NOT_FOUND_PAGE = layout(
  'Invitation not found',
  [
    '<h1>This invitation link does not work</h1>',
    '<p>The link may have been replaced by a newer invitation, withdrawn, or already used.</p>',
    '<p>Ask the organization that invited you to send you a new invitation.</p>',
  ].join('\n'),
);

export const EXPIRED_PAGE = layout(
  'Invitation expired',
  [
    '<h1>This invitation has expired</h1>',
    '<p>Ask the person who invited you to send the invitation again; you will get an email with a new link.</p>',
  ].join('\n'),
);

/** A plain page for a request the page cannot take (wrong form encoding, a conflict, server error). */
export function errorPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}

export interface AcceptForm {
  firstName: string | null;
  lastName: string | null;
}

function utc(timestamp: string): string {
  return `<time datetime="${escapeHtml(timestamp.replace(' ', 'T'))}Z">${escapeHtml(timestamp)} UTC</time>`;
}

function nameField(
  field: 'first_name' | 'last_name',
  label: string,
  value: string | null,
  errors: Record<string, string[]>,
): string {
  const messages = errors[field];
  const error = messages ? `<p class="field-error" id="${field}-error">${messages.map(escapeHtml).join(' ')}</p>` : '';
  const described = messages ? ` aria-invalid="true" aria-describedby="${field}-error"` : '';
  const autocomplete = field === 'first_name' ? 'given-name' : 'family-name';
  return `<label for="${field}">${label}</label>${error}<input type="text" id="${field}" name="${field}" maxlength="200" autocomplete="${autocomplete}" value="${escapeHtml(value ?? '')}"${described}>`;
}

/** The invitation and its accept form; with `errors`, the form as it was sent, with its problems. */
export function invitationPage(
  view: InvitationView,
  action: string,
  form: AcceptForm,
  errors: Record<string, string[]> = {},
): string {
  const org = view.organization.name;
  const hasErrors = Object.keys(errors).length > 0;
  const summary = hasErrors
    ? `<div class="problem" role="alert"><h2>The invitation was not accepted</h2><ul>${Object.values(errors)
        .flat()
        .map((m) => `<li>${escapeHtml(m)}</li>`)
        .join('')}</ul></div>`
    : '';
  return layout(
    `${hasErrors ? 'Error: ' : ''}Invitation to ${org}`,
    [
      `<header><p class="org">${escapeHtml(org)}</p><h1>You are invited to join ${escapeHtml(org)}</h1></header>`,
      summary,
      '<dl>',
      view.invited_by ? `<dt>Invited by</dt><dd>${escapeHtml(view.invited_by.name)}</dd>` : '',
      `<dt>Email</dt><dd>${escapeHtml(view.email)}</dd>`,
      `<dt>Role</dt><dd>${escapeHtml(ROLE_NAMES[view.role as keyof typeof ROLE_NAMES] ?? view.role)}</dd>`,
      `<dt>The link works until</dt><dd>${utc(view.expires_at ?? '')}</dd>`,
      '</dl>',
      view.message ? `<h2>Message</h2>\n<blockquote>${escapeHtml(view.message)}</blockquote>` : '',
      '<section aria-labelledby="accept-heading"><h2 id="accept-heading">Accept the invitation</h2>',
      '<p>Check your name, then accept. You will get a personal access token for the API.</p>',
      `<form method="post" action="${escapeHtml(action)}">`,
      nameField('first_name', 'First name', form.firstName, errors),
      nameField('last_name', 'Last name', form.lastName, errors),
      '<button type="submit">Accept invitation</button>',
      '</form></section>',
    ]
      .filter(Boolean)
      .join('\n'),
  );
}

export interface AcceptedPage {
  organization: { id: string; name: string };
  token: string;
  apiBase: string;
}

/** After accepting: the token, this once, and how to use it. */
export function acceptedPage(page: AcceptedPage): string {
  const org = page.organization.name;
  const example = `curl -H "Authorization: Bearer ${page.token}" ${page.apiBase}/organizations/${page.organization.id}/guests`;
  return layout(
    `Welcome to ${org}`,
    [
      `<header><p class="org">${escapeHtml(org)}</p><h1>You are now a member of ${escapeHtml(org)}</h1></header>`,
      '<p class="notice" role="status">Copy your access token now: it is shown only this once and cannot be shown again.</p>',
      '<h2>Your personal access token</h2>',
      `<pre><code>${escapeHtml(page.token)}</code></pre>`,
      '<p>Keep it secret: anyone who has it can act as you. Send it with every API request as the header <code>Authorization: Bearer &lt;token&gt;</code>.</p>',
      '<h2>Using the API</h2>',
      '<dl>',
      `<dt>API base</dt><dd><code>${escapeHtml(page.apiBase)}/</code></dd>`,
      `<dt>Organization id</dt><dd><code>${escapeHtml(page.organization.id)}</code></dd>`,
      '</dl>',
      "<p>For example, to list the organization's guests:</p>",
      `<pre><code>${escapeHtml(example)}</code></pre>`,
    ].join('\n'),
  );
}
