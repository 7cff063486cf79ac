/**
 * The API reference page's answers (docs/service.md, API reference page and its files): served
 * from this origin only, with a CSP that lets it reach nothing else, the package's files cached
 * for a year under versioned URLs, and no other file name served. The browser side is
 * test/browser/reference-page.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';

describe('API reference page', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  it('serves the page with a CSP that allows this origin only, and names no other host', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: '/docs' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    for (const directive of csp.split(';').map((d) => d.trim())) {
      const sources = directive.split(/\s+/).slice(1);
      assert.ok(!sources.some((source) => /^(https?:|\*)/.test(source)), `${directive} names no other host`);
    }
    const script = await ctx.app.inject({ method: 'GET', url: '/docs/assets/reference.js' });
    assert.equal(script.statusCode, 200);
    for (const text of [page.body, script.body]) {
      assert.deepEqual(text.match(/https?:\/\/[^\s"'<>)]+/g) ?? [], [], 'no absolute URL: everything is this origin');
    }
    assert.match(script.body, /validatorUrl: null/, 'the validator badge, which would call another host, is off');
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    assert.ok(assets.length >= 3);
    for (const asset of assets) {
      const response = await ctx.app.inject({ method: 'GET', url: asset });
      assert.equal(response.statusCode, 200, asset);
      if (asset.includes('?v=')) assert.match(String(response.headers['cache-control']), /max-age=31536000/, asset);
    }
  });

  it('serves no file of the package but the few the page loads', async () => {
    for (const name of ['index.html', 'package.json', '..%2Fpackage.json', 'swagger-ui-bundle.js.map', 'toString']) {
      const response = await ctx.app.inject({ method: 'GET', url: `/docs/assets/${name}` });
      assertProblem(response, 404, 'ENDPOINT_NOT_FOUND');
    }
  });
});
