// `guests serve` with a bad setting: the process stops before touching any data, exits non-zero
// and names the variable on stderr. A port already in use also ends the process (no hang).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CONFIG_VARS, ROOT, killAll, runGuests } from '../../support/process.js';

describe('guests serve refuses a bad configuration', { concurrency: true }, () => {
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-config-errors-'));
  });

  after(async () => {
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function serveWith(name: string, env: Record<string, string>, args: string[] = []) {
    const dataDir = path.join(dir, name);
    const run = await runGuests(['serve', ...args], { DATA_DIR: dataDir, EMAIL_DNS_CHECK: 'off', ...env });
    return { ...run, dataDir };
  }

  const cases: Array<{ name: string; env: Record<string, string>; args?: string[]; variable: string }> = [
    { name: 'PORT=abc', env: { PORT: 'abc' }, variable: 'PORT' },
    { name: 'DATABASE_URL=mysql://x', env: { DATABASE_URL: 'mysql://x' }, variable: 'DATABASE_URL' },
    { name: '--port 70000', env: {}, args: ['--port', '70000'], variable: 'PORT' },
    // Port 0 made c-ares abort the whole process (after the demo token had been printed).
    {
      name: 'DNS_SERVERS=127.0.0.1:0',
      env: { EMAIL_DNS_CHECK: 'on', DNS_SERVERS: '127.0.0.1:0' },
      variable: 'DNS_SERVERS',
    },
  ];
  for (const { name, env, args, variable } of cases) {
    test(`${name}: exit 1, stderr names ${variable}, nothing created`, { timeout: 30_000 }, async () => {
      const { dataDir, ...proc } = await serveWith(name.replace(/\W+/g, '_'), env, args);
      assert.deepEqual({ code: proc.code, signal: proc.signal }, { code: 1, signal: null }, proc.describe);
      assert.match(proc.stderr, new RegExp(`^guests: Invalid configuration: ${variable} `), proc.describe);
      assert.equal(proc.stderr.trim().split('\n').length, 1, `one line, no stack trace\n${proc.describe}`);
      assert.equal(proc.stdout, '', 'no demo data, no token printed');
      assert.equal(fs.existsSync(dataDir), false, 'no database was created');
    });
  }

  test('--json: the configuration error is one JSON object on stderr', { timeout: 30_000 }, async () => {
    const proc = await serveWith('json', { LOG_LEVEL: 'loud' }, ['--json']);
    assert.equal(proc.code, 1, proc.describe);
    const body = JSON.parse(proc.stderr.trim()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'CONFIG_INVALID');
    assert.match(body.error.message, /LOG_LEVEL/);
    assert.equal(proc.stdout, '');
  });

  test('a port already in use: exit 1 naming the address, no hang', { timeout: 30_000 }, async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve, reject) => {
      blocker.once('error', reject);
      blocker.listen(0, '127.0.0.1', () => resolve());
    });
    try {
      const { port } = blocker.address() as AddressInfo;
      const proc = await serveWith('in-use', {}, ['--port', String(port)]);
      assert.equal(proc.code, 1, proc.describe);
      assert.match(proc.stderr, new RegExp(`EADDRINUSE.*127\\.0\\.0\\.1:${port}`), proc.describe);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

// cleanEnv strips CONFIG_VARS so that no setting leaks into the processes above from the environment
// running the tests: the list must name every variable the service reads, and nothing else.
test('CONFIG_VARS is exactly the list of variables src/config.ts reads', () => {
  const source = fs.readFileSync(path.join(ROOT, 'src', 'config.ts'), 'utf8');
  // Every variable is read through read(env, NAME), directly or through int/bool/oneOf(env, NAME, ...).
  assert.equal(source.match(/\benv\[/g)?.length, 1, 'env is indexed in one place only: read()');
  assert.doesNotMatch(source, /\benv\.[A-Z]/, 'no env.NAME besides read()');
  const names = [...source.matchAll(/\b\w+\(env, '([A-Z][A-Z0-9_]*)'/g)].map((match) => match[1]);
  assert.deepEqual([...new Set(names)].sort(), [...CONFIG_VARS].sort());
});
