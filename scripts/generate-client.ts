/**
 * `npm run client:generate`: rewrites packages/client/src/generated.ts from the service's OpenAPI
 * document (scripts/client-codegen.ts). With `--check` it writes nothing and exits 1 when the
 * checked-in file differs from what the document gives (README, TypeScript client).
 */
import { writeFileSync } from 'node:fs';
import { GENERATED_FILE, checkedIn, openApiDocument, renderClient } from './client-codegen.js';

const source = await renderClient(await openApiDocument());
if (process.argv.includes('--check')) {
  if (source !== checkedIn()) {
    console.error(`${GENERATED_FILE} is stale: run npm run client:generate`);
    process.exit(1);
  }
  console.log(`${GENERATED_FILE} matches the OpenAPI document`);
} else {
  writeFileSync(GENERATED_FILE, source);
  console.log(`wrote ${GENERATED_FILE}`);
}
