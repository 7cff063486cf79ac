/**
 * The served OpenAPI document passes `redocly lint` with the recommended rules (redocly.yaml):
 * no error and no warning, both with and without the client header required (the document
 * differs: the `client` security scheme is named only when required).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildTestApp } from '../support/app.js';

const ROOT = join(import.meta.dirname, '..');
const REDOCLY = join(ROOT, 'node_modules', '.bin', 'redocly');

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: Array<{ ruleId: string; message: string; location: Array<{ pointer?: string }> }>;
}

async function lint(env: Record<string, string>): Promise<LintReport> {
  const ctx = await buildTestApp({ env });
  const dir = await mkdtemp(join(tmpdir(), 'openapi-lint-'));
  try {
    const response = await ctx.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(response.statusCode, 200);
    const file = join(dir, 'openapi.json');
    await writeFile(file, response.body);
    const run = promisify(execFile);
    // Exits 1 on errors: the report on stdout is read either way.
    const { stdout } = await run(REDOCLY, ['lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json'], {
      cwd: ROOT,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    return JSON.parse(stdout) as LintReport;
  } finally {
    await rm(dir, { recursive: true, force: true });
    await ctx.close();
  }
}

function problems(report: LintReport): string[] {
  return report.problems.map((p) => `${p.ruleId}: ${p.message} (${p.location[0]?.pointer ?? '?'})`);
}

describe('OpenAPI document lint', () => {
  for (const [name, env] of [
    ['as set by default', {}],
    ['with the client header required', { REQUIRE_CLIENT_HEADER: 'true' }],
  ] as const) {
    it(`has no error and no warning under the recommended rules, ${name}`, async () => {
      const report = await lint(env);
      assert.deepEqual(problems(report), []);
      assert.deepEqual(report.totals, { ...report.totals, errors: 0, warnings: 0 });
    });
  }
});
