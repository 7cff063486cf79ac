#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=30
// The `guests` command. Runs the compiled service only (dist/cli.js, made by `npm run build`,
// which `npm start` runs first). It does not start when dist/ is missing, or when src/ is present
// and differs from what dist/ was built from (dist/build-info.json): stale code never runs, and
// production needs no compiler. Without src/ (a deployment of dist/ alone) the build is run as is.
//
// Node's young generation is held to 4 MB semi-spaces (V8's default grows them to 16 MB under
// load): a busy server keeps about 35 MB less resident memory (16 -> 8 MB saved about 25 MB,
// 8 -> 4 MB about 10 more), which keeps its peak under the 200 MB budget. The price, measured
// against 8 MB in three alternated 10 s runs on SQLite: Get guest about 7% fewer requests/s
// (more scavenges); Create guest and its p99 unchanged within this machine's noise.
// The old generation grows by 30% past what the last full collection kept, not by V8's own
// factor (up to 4x on a fast collector): under a long run of creates the heap otherwise fills
// with dead objects promoted from the young generation before a full collection runs (peak RSS
// 250 MB against 161 MB with this, on 80 s of creates at 10 then 50 connections; same req/s).
// The option applies when this file is run as a program (`npm start`, `npx guests`, `./bin/guests.js`);
// the benchmark starts the service with the same options, read from the line above.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sourceHash } from '../scripts/source-hash.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Why dist/ cannot run, or undefined when it can. */
function buildProblem() {
  let builtFrom;
  try {
    builtFrom = JSON.parse(readFileSync(`${root}dist/build-info.json`, 'utf8')).source;
  } catch {
    return 'missing';
  }
  if (!existsSync(`${root}dist/cli.js`)) return 'missing';
  if (existsSync(`${root}src`) && sourceHash(`${root}src`) !== builtFrom) return 'out of date';
  return undefined;
}

const problem = buildProblem();
if (problem) {
  process.stderr.write(`guests: the build in dist/ is ${problem}: run \`npm run build\`\n`);
  process.exit(1);
}
await import(`${root}dist/cli.js`);
