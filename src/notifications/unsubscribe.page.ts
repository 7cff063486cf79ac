/**
 * The unsubscribe pages (docs/notifications.md, Unsubscribe page, Unsubscribe (one click)): plain
 * markup without JavaScript, one inline style sheet, the page headers of the guest page. Every
 * value goes through `escapeHtml`: organization names are whatever an organization typed.
 */
import { escapeHtml } from '../core/html.js';
import { htmlPages } from '../http/html-page.js';
import type { EmailTopic } from './unsubscribe.js';
import type { UnsubscribeTarget } from './unsubscribe.service.js';

const STYLE = [
  ':root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.5}',
  'body{margin:0;padding:1rem}main{max-width:40rem;margin:0 auto}h1{font-size:1.6rem;margin:.5rem 0 1rem}',
  'button{font:inherit;font-weight:600;padding:.6rem 1.5rem;border-radius:.4rem;border:2px solid currentColor;cursor:pointer}',
  ':focus-visible{outline:3px solid #1a73e8;outline-offset:2px}',
].join('');

const PAGES = htmlPages(STYLE);
export const UNSUBSCRIBE_PAGE_HEADERS = PAGES.headers;

/** What each topic's emails are called on the pages. */
const TOPIC_NAMES: Record<EmailTopic, string> = {
  daily_digest: 'the digest email of your tasks',
  task_reminders: 'reminder emails when a task is due',
};

function from(target: UnsubscribeTarget): string {
  return target.organizationName === null ? '' : ` from ${target.organizationName}`;
}

/** The GET page: says what the button turns off; only the button's POST changes anything. */
export function confirmPage(target: UnsubscribeTarget, action: string): string {
  const what = `${TOPIC_NAMES[target.topic]}${from(target)}`;
  return PAGES.layout(
    'Unsubscribe',
    [
      '<h1>Unsubscribe</h1>',
      `<p>Stop getting ${escapeHtml(what)}?</p>`,
      `<form method="post" action="${escapeHtml(action)}">`,
      '<input type="hidden" name="List-Unsubscribe" value="One-Click">',
      '<button type="submit">Unsubscribe</button>',
      '</form>',
      '<p>You can turn these emails on again from your guest page.</p>',
    ].join('\n'),
  );
}

/** The answer to the POST, for a browser. */
export function donePage(target: UnsubscribeTarget): string {
  const what = `${TOPIC_NAMES[target.topic]}${from(target)}`;
  return PAGES.layout(
    'Unsubscribed',
    [
      '<h1>Unsubscribed</h1>',
      `<p role="status">You will no longer get ${escapeHtml(what)}.</p>`,
      '<p>You can turn these emails on again from your guest page.</p>',
    ].join('\n'),
  );
}

/** The one page of every link that does not work, whatever the reason. */
export const NOT_FOUND_PAGE = PAGES.layout(
  'Link not found',
  [
    '<h1>This link does not work</h1>',
    '<p>The unsubscribe link you followed is not valid. Copy the whole link from the email and try again, or change your email settings on your guest page.</p>',
  ].join('\n'),
);
