// Compiles the service into dist/cli.js and the chunks it loads on demand (npm run build; npm
// start runs it first), and records what it was built from in dist/build-info.json. Dependencies
// stay in node_modules, except the two below (BUNDLED). bin/guests.js runs only this compiled code, and refuses to start when
// the build is missing or no longer matches src/.
//
// Why compiled: the service starts faster and uses less memory than sources compiled at load
// time (no loader thread: about 20 MB less resident memory, measured), and production needs no
// compiler (esbuild and tsx are development dependencies).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceHash } from './source-hash.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The file bin/guests.js reads to know what dist/ was built from. */
export const BUILD_INFO = 'build-info.json';

/**
 * Dependencies compiled into dist/ rather than loaded from node_modules: pure ES modules of
 * hundreds of files each (typebox about 700, kysely about 280), which Node's module loader opens
 * all at once at startup. Loaded from node_modules they took the service past 200 open files
 * before it listened, so a server under `ulimit -n 256` could fail to start (EMFILE). Only the
 * service's own code imports them at run time, so one copy is loaded either way.
 */
const BUNDLED = new Set(['typebox', 'kysely']);

/** Every other dependency stays in node_modules (and its subpaths with it). */
function externalPackages() {
  const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return Object.keys(dependencies)
    .filter((name) => !BUNDLED.has(name))
    .flatMap((name) => [name, `${name}/*`]);
}

export async function buildService(outdir = join(root, 'dist')) {
  const { build } = await import('esbuild').catch(() => {
    throw new Error(
      'esbuild is not installed (an install without the development dependencies?): build where ' +
        '`npm ci` has run, then run the built dist/ with `./bin/guests.js serve`',
    );
  });
  const source = sourceHash(join(root, 'src'));
  // A clean directory: no chunk of an earlier build is left beside the new one.
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: { cli: 'src/cli/run.ts' },
    outdir,
    bundle: true,
    // What the service loads only when configured (Redis, mail, GeoIP, the outbox worker) stays
    // in chunks of its own, loaded when first needed, as from the sources.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    external: externalPackages(),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  // Written last: a build that failed half-way has no record, so it counts as missing.
  const info = { source, builtAt: new Date().toISOString(), node: process.version };
  writeFileSync(join(outdir, BUILD_INFO), `${JSON.stringify(info, null, 2)}\n`);
  return info;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildService();
