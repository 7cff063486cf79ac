// Compiles the service into dist/cli.js and the chunks it loads on demand (npm run build; npm
// start runs it first). Dependencies stay in node_modules. bin/guests.js runs this file when it is newer than
// every source file, and the TypeScript sources through tsx otherwise.
//
// Why: the compiled service starts faster and uses less memory than the sources compiled at
// load time (no loader thread: about 20 MB less resident memory, measured).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildService(outdir = 'dist') {
  await build({
    absWorkingDir: root,
    entryPoints: { cli: 'src/cli/run.ts' },
    outdir,
    bundle: true,
    // What the service loads only when configured (Redis, mail, GeoIP, the outbox worker) stays
    // in chunks of its own, loaded when first needed, as from the sources.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildService();
