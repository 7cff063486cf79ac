// Runs every test file under test/ (or those whose path contains one of the arguments) with
// node's own test runner (Node 20 has no --test globs). Builds the service first: the tests that
// start the `guests` command or the server as a process run the compiled code, as production does.
//
// --coverage: runs them under c8 (.c8rc.json: src/ only, every file of it counted) and prints one
// line, `coverage: lines …, branches …, functions …`. Only the code the tests run in their own
// processes counts: the bundle in dist/ that CLI and server processes run does not map back to
// src/ line by line (merged with the sources' own coverage it marked unrun code as run), so it is
// left out rather than inflating the figures.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildService } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const args = process.argv.slice(2);
const coverage = args.includes('--coverage');
const filters = args.filter((arg) => arg !== '--coverage');
const files = find('test')
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
await buildService();
const tests = ['--import', 'tsx', '--test', '--test-reporter=spec', ...files];
const c8 = join(root, 'node_modules', 'c8', 'bin', 'c8.js');
const result = spawnSync(process.execPath, coverage ? [c8, process.execPath, ...tests] : tests, { stdio: 'inherit' });
if (coverage) {
  const { total } = JSON.parse(readFileSync(join(root, 'coverage', 'coverage-summary.json'), 'utf8'));
  const pct = (kind) => `${total[kind].pct.toFixed(1)} %`;
  console.log(
    `coverage: lines ${pct('lines')}, branches ${pct('branches')}, functions ${pct('functions')}, ` +
      `statements ${pct('statements')} (src/, ${total.lines.covered} of ${total.lines.total} lines)`,
  );
}
process.exit(result.status ?? 1);
