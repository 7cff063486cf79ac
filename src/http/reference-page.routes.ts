/**
 * The API reference page at `/docs` (docs/service.md, API reference page): Swagger UI rendering
 * `/openapi.json`, with "try it" against this service. Every file comes from the `swagger-ui-dist`
 * package and this module, served by the service itself: no CDN, and a CSP that lets the page
 * reach nothing but its own origin (the validator badge, which would call out, is off).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { RouteApp } from './route-app.js';

/** The package's files the page loads, with their types; no other name is served. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** Starts Swagger UI: a file of its own, so that the CSP needs no inline script. */
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#reference',
    deepLinking: true,
    displayOperationId: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    persistAuthorization: false,
  });
});
`;

/** The page; the asset URLs name the package's version, so a new version is fetched anew. */
const page = (version: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference — guest management API</title>
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png?v=${version}">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css?v=${version}">
</head>
<body>
<div id="reference"></div>
<script src="/docs/assets/swagger-ui-bundle.js?v=${version}"></script>
<script src="/docs/assets/reference.js"></script>
</body>
</html>
`;

/**
 * Scripts and styles from this origin only; Swagger UI sets style attributes (hence
 * 'unsafe-inline' for styles alone) and draws icons from data: URLs; "try it" calls this origin.
 */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** The package's files change only with its version, which their URLs name: kept for a year. */
const ASSET_CACHE = 'public, max-age=31536000, immutable';

function swaggerUiPackage(): { dir: string; version: string } {
  const manifest = createRequire(import.meta.url).resolve('swagger-ui-dist/package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { dir: path.dirname(manifest), version };
}

/** Takes the services as every route module does, and uses none: the page is fixed. */
export function referencePageRoutes(app: RouteApp, _services: unknown): void {
  const { dir, version } = swaggerUiPackage();
  const html = page(version);
  const loaded = new Map<string, Promise<Buffer>>();
  const asset = (name: string) => {
    let file = loaded.get(name);
    if (!file) {
      file = readFile(path.join(dir, name));
      loaded.set(name, file);
    }
    return file;
  };

  app.get('/docs', async (_request, reply) => reply.headers(PAGE_HEADERS).send(html));
  app.get<{ Params: { file: string } }>('/docs/assets/:file', async (request, reply) => {
    const name = request.params.file;
    // The page's own script changes with the service, not the package: asked again every time.
    if (name === 'reference.js') {
      return reply
        .headers({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' })
        .header('x-content-type-options', 'nosniff')
        .send(INIT_SCRIPT);
    }
    const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!type) return reply.callNotFound();
    return reply
      .headers({ 'content-type': type, 'cache-control': ASSET_CACHE, 'x-content-type-options': 'nosniff' })
      .send(await asset(name));
  });
}
