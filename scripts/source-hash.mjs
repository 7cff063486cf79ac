// What a build was made from: one hash over every file under src/ (its path and its contents).
// scripts/build.mjs records it in dist/build-info.json; bin/guests.js compares it at every start,
// so a build that no longer matches the sources is never run. Plain node: it runs in production,
// where the compilers are not installed.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The files under `dir`, as paths relative to it with `/`, sorted (the same order on every system). */
function files(dir, prefix = '') {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? files(dir, relative) : [relative];
  });
}

/** `sha256:<hex>` over the path and contents of every file under `dir` (the src/ folder). */
export function sourceHash(dir) {
  const hash = createHash('sha256');
  for (const file of files(dir).sort()) {
    const contents = readFileSync(join(dir, file));
    // Length-prefixed so that no two different trees give the same byte stream.
    hash.update(`${file}\0${contents.length}\0`);
    hash.update(contents);
  }
  return `sha256:${hash.digest('hex')}`;
}
