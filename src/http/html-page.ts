/**
 * The frame of the service's own HTML pages (the guest's page, the invitation page): plain markup
 * that works without JavaScript, one inline style sheet allowed by its hash, no external resources.
 */
import { createHash } from 'node:crypto';
import { toAppError } from '../core/to-app-error.js';
import { escapeHtml } from '../core/html.js';

export interface HtmlPages {
  /**
   * Every page's headers: the CSP allows exactly the one style sheet and forms posting back to
   * this origin; a secret is in the URL (and may be on the page), so no Referer, no caching and no
   * indexing.
   */
  headers: Readonly<Record<string, string>>;
  /** A whole document with this title and body (the body is markup; the title is escaped). */
  layout(title: string, body: string): string;
}

export function htmlPages(style: string): HtmlPages {
  const headers = {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': [
      "default-src 'none'",
      `style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`,
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'x-robots-tag': 'noindex, nofollow',
  };
  return {
    headers,
    layout: (title, body) =>
      [
        '<!doctype html>',
        '<html lang="en">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex, nofollow">',
        `<title>${escapeHtml(title)}</title><style>${style}</style></head>`,
        `<body><main>${body}</main></body>`,
        '</html>',
      ].join('\n'),
  };
}

/** An urlencoded form: field -> every value sent for it. No prototype: field names are request data. */
export function parseUrlencoded(body: string): Record<string, string[]> {
  const out = Object.create(null) as Record<string, string[]>;
  for (const [key, value] of new URLSearchParams(body)) (out[key] ??= []).push(value);
  return out;
}

/** The status a page answers an error with, as the API's handler would choose it. */
export function pageStatusOf(error: unknown): { status: number; headers?: Record<string, string> } {
  const { status, options } = toAppError(error);
  return { status, headers: options.headers };
}
