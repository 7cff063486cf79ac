// bin/guests.js runs the compiled service (dist/cli.js) only while it is newer than every source
// file, and the TypeScript sources otherwise: a change under src/ never runs stale code. Checked
// on a copy of bin/guests.js in a scratch tree whose two entries only say which one ran; then
// the real build, whose output must run the real command.
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

describe('bin/guests.js: the compiled service or the sources', () => {
  let tree: string;
  const write = (file: string, text: string, mtime: Date) => {
    const full = path.join(tree, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
    fs.utimesSync(full, mtime, mtime);
  };
  const which = async () => (await run(process.execPath, [path.join(tree, 'bin', 'guests.js')], { cwd: tree })).stdout.trim();

  before(() => {
    tree = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-bin-'));
    fs.mkdirSync(path.join(tree, 'bin'));
    fs.copyFileSync(path.join(ROOT, 'bin', 'guests.js'), path.join(tree, 'bin', 'guests.js'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'));
    fs.writeFileSync(path.join(tree, 'package.json'), '{"type": "module"}');
    write('src/cli/run.ts', "const ran: string = 'sources';\nconsole.log(ran);\n", new Date('2026-01-01T00:00:00Z'));
    write('src/other/deep.ts', 'export {};\n', new Date('2026-01-01T00:00:00Z'));
  });
  after(() => fs.rmSync(tree, { recursive: true, force: true }));

  test('no compiled file: the sources', async () => {
    assert.equal(await which(), 'sources');
  });

  test('a compiled file newer than every source: the compiled file', async () => {
    write('dist/cli.js', "console.log('compiled');\n", new Date('2026-02-01T00:00:00Z'));
    assert.equal(await which(), 'compiled');
  });

  test('any source file changed after the build, however deep: the sources again', async () => {
    write('src/other/deep.ts', 'export const changed = 1;\n', new Date('2026-03-01T00:00:00Z'));
    assert.equal(await which(), 'sources');
  });

  test('runs as a program through its first line, with the node options the benchmark reads', async () => {
    const result = await run(path.join(ROOT, 'bin', 'guests.js'), ['--help'], { cwd: ROOT }).catch((error: { stdout: string; stderr: string }) => error);
    assert.match(`${result.stdout}${result.stderr}`, /Usage: guests <command>/);
    const { guestsNodeOptions } = await import('../../bench/lib/processes.js');
    const options = guestsNodeOptions();
    assert.ok(options.length > 0);
    // Options node accepts (a typo would stop every start).
    const check = await run(process.execPath, [...options, '-e', 'process.stdout.write("ok")']);
    assert.equal(check.stdout, 'ok');
  });

  test('the real build compiles the service into a file that runs the command, optional parts loaded on demand', async () => {
    // The project's build settings, into a scratch directory (inside the repository, where the
    // dependencies resolve) so that dist/ itself is left alone.
    fs.mkdirSync(path.join(ROOT, 'dist'), { recursive: true });
    const out = fs.mkdtempSync(path.join(ROOT, 'dist', 'check-'));
    try {
      const { buildService } = (await import(path.join(ROOT, 'scripts', 'build.mjs'))) as { buildService(outdir?: string): Promise<void> };
      await buildService(out);
      const result = await run(process.execPath, [path.join(out, 'cli.js'), '--help'], { cwd: ROOT }).catch((error: { code: number; stdout: string; stderr: string }) => error);
      assert.match(`${result.stdout}${result.stderr}`, /Usage: guests <command>/);
      // Redis, mail and GeoIP libraries are not loaded by the command's own file.
      const entry = fs.readFileSync(path.join(out, 'cli.js'), 'utf8');
      for (const lazy of ['ioredis', 'nodemailer', 'maxmind']) assert.doesNotMatch(entry, new RegExp(`from "${lazy}"`), `${lazy} is loaded on demand`);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
