// Dependency rules (npm run depcheck; npm test runs it): which parts of the code may import which.
// A folder counts with everything under it (src/guests includes src/guests/lifecycle); a file
// directly in src/ (app.ts, config.ts, server.ts) is the composition that may import any folder.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-folder-cycle-in-src',
      comment:
        'Two folders of src/ import each other (through any of their files, possibly via other folders), ' +
        'even when no two files do: ' +
        'one of them must not know the other. Move the shared part to the folder both may use.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { path: '^src/', circular: true },
    },
    {
      name: 'no-file-cycle',
      comment: 'Files that import each other, directly or through others.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-stands-alone',
      comment: 'src/core/ holds what has no HTTP: it imports nothing of another part of src/, nor fastify.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: ['^src/', 'node_modules/(fastify|@fastify/[^/]+|fastify-[^/]+)/'], pathNot: '^src/core/' },
    },
    {
      name: 'db-knows-no-http',
      comment: 'src/db/ is storage: it imports nothing of src/http/.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'src-knows-no-tests',
      comment: 'The service imports nothing of the tests, their shared helpers or the benchmark.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|support|bench)/' },
    },
    {
      name: 'bench-knows-no-tests',
      comment: 'The benchmark imports nothing of test/ (what both use lives in support/).',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^test/' },
    },
    {
      name: 'client-stands-alone',
      comment:
        'packages/client is published on its own: it imports nothing of the service, its tests or scripts, ' +
        'and no package (its only runtime dependency is fetch).',
      severity: 'error',
      from: { path: '^packages/client/src/' },
      to: { pathNot: '^packages/client/src/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|data|packages/[^/]+/dist)/' },
    // `import type` counts: a type from src/http/ in src/core/ is a dependency all the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    cache: { folder: 'node_modules/.cache/dependency-cruiser', strategy: 'content' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
