// bin/guests.js runs the compiled service (dist/cli.js) only: it refuses to start when dist/ is
// missing, or when src/ is present and differs from what dist/ was built from (the hash in
// dist/build-info.json), so stale code never runs. Checked on a copy of bin/guests.js in a
// scratch tree whose compiled entry only says that it ran; then the real build, whose output must
// run the real command.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

const { sourceHash } = (await import(path.join(ROOT, 'scripts', 'source-hash.mjs'))) as {
  sourceHash(dir: string): string;
};

describe('bin/guests.js: only a current build runs', () => {
  let tree: string;
  const write = (file: string, text: string) => {
    const full = path.join(tree, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  };
  /** A build of the scratch tree's sources as they are now. */
  const buildNow = () => {
    write('dist/cli.js', "console.log('compiled');\n");
    write('dist/build-info.json', JSON.stringify({ source: sourceHash(path.join(tree, 'src')) }));
  };
  const guests = async (): Promise<Outcome> =>
    run(process.execPath, [path.join(tree, 'bin', 'guests.js')], { cwd: tree }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: Outcome) => error,
    );
  const refused = (outcome: Outcome, problem: string) => {
    assert.equal(outcome.code, 1, outcome.stderr);
    assert.equal(outcome.stdout, '');
    assert.equal(outcome.stderr, `guests: the build in dist/ is ${problem}: run \`npm run build\`\n`);
  };

  before(() => {
    tree = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-bin-'));
    for (const file of ['bin/guests.js', 'scripts/source-hash.mjs']) {
      fs.mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, file), path.join(tree, file));
    }
    fs.writeFileSync(path.join(tree, 'package.json'), '{"type": "module"}');
    write('src/cli/run.ts', "console.log('sources');\n");
    write('src/other/deep.ts', 'export {};\n');
  });
  after(() => fs.rmSync(tree, { recursive: true, force: true }));

  test('no build: refused, with the command that makes one', async () => {
    refused(await guests(), 'missing');
  });

  test('a build record without the compiled file: refused as missing', async () => {
    write('dist/build-info.json', JSON.stringify({ source: sourceHash(path.join(tree, 'src')) }));
    refused(await guests(), 'missing');
    fs.rmSync(path.join(tree, 'dist'), { recursive: true });
  });

  test('a build of the current sources: the compiled file runs', async () => {
    buildNow();
    const outcome = await guests();
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(outcome.stdout.trim(), 'compiled');
  });

  test('any source file changed after the build, however deep: refused as out of date', async () => {
    buildNow();
    write('src/other/deep.ts', 'export const changed = 1;\n');
    refused(await guests(), 'out of date');
  });

  test('a source file added or removed after the build: refused as out of date', async () => {
    buildNow();
    write('src/other/new.ts', 'export {};\n');
    refused(await guests(), 'out of date');
    buildNow();
    fs.rmSync(path.join(tree, 'src', 'other', 'new.ts'));
    refused(await guests(), 'out of date');
  });

  test('a change that leaves the modification times older than the build still counts', async () => {
    buildNow();
    write('src/cli/run.ts', "console.log('changed');\n");
    const old = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(path.join(tree, 'src', 'cli', 'run.ts'), old, old);
    refused(await guests(), 'out of date');
  });

  test('the build alone (no src/, as deployed): the compiled file runs', async () => {
    buildNow();
    fs.renameSync(path.join(tree, 'src'), path.join(tree, 'src-away'));
    try {
      const outcome = await guests();
      assert.equal(outcome.code, 0, outcome.stderr);
      assert.equal(outcome.stdout.trim(), 'compiled');
    } finally {
      fs.renameSync(path.join(tree, 'src-away'), path.join(tree, 'src'));
    }
  });

  test('runs as a program through its first line, with the node options the benchmark reads', async () => {
    const result = await run(path.join(ROOT, 'bin', 'guests.js'), ['--help'], { cwd: ROOT }).catch(
      (error: { stdout: string; stderr: string }) => error,
    );
    assert.match(`${result.stdout}${result.stderr}`, /Usage: guests <command>/);
    const { guestsNodeOptions } = await import('../../bench/lib/processes.js');
    const options = guestsNodeOptions();
    assert.ok(options.length > 0);
    // Options node accepts (a typo would stop every start).
    const check = await run(process.execPath, [...options, '-e', 'process.stdout.write("ok")']);
    assert.equal(check.stdout, 'ok');
  });

  test('the real build compiles the service into a file that runs the command, optional parts loaded on demand, and records its sources', async () => {
    // The project's build settings, into a scratch directory (inside the repository, where the
    // dependencies resolve) so that dist/ itself is left alone.
    fs.mkdirSync(path.join(ROOT, 'dist'), { recursive: true });
    const out = fs.mkdtempSync(path.join(ROOT, 'dist', 'check-'));
    try {
      const { buildService } = (await import(path.join(ROOT, 'scripts', 'build.mjs'))) as {
        buildService(outdir?: string): Promise<{ source: string }>;
      };
      const info = await buildService(out);
      const result = await run(process.execPath, [path.join(out, 'cli.js'), '--help'], { cwd: ROOT }).catch(
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      assert.match(`${result.stdout}${result.stderr}`, /Usage: guests <command>/);
      // Redis, mail and GeoIP libraries are not loaded by the command's own file.
      const entry = fs.readFileSync(path.join(out, 'cli.js'), 'utf8');
      for (const lazy of ['ioredis', 'nodemailer', 'maxmind']) {
        assert.doesNotMatch(entry, new RegExp(`from "${lazy}"`), `${lazy} is loaded on demand`);
      }
      const recorded = JSON.parse(fs.readFileSync(path.join(out, 'build-info.json'), 'utf8')) as { source: string };
      assert.equal(recorded.source, sourceHash(path.join(ROOT, 'src')));
      assert.equal(info.source, recorded.source);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
