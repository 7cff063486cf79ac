/**
 * The client's generated half is the OpenAPI document's: regenerating it from the app as it is now
 * gives the checked-in file byte for byte (README, TypeScript client). When this fails, an
 * operation or schema changed: run `npm run client:generate` and commit the result.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkedIn, openApiDocument, renderClient } from '../../scripts/client-codegen.js';
import { OPERATIONS } from '../../packages/client/src/generated.js';

describe('generated client', () => {
  it('matches what the current OpenAPI document generates', async () => {
    const document = await openApiDocument();
    const fresh = await renderClient(document);
    assert.ok(fresh === checkedIn(), 'packages/client/src/generated.ts is stale: run npm run client:generate');

    // One method per operation of the document, each by its own operationId.
    const ids = Object.values(document.paths).flatMap((item) =>
      Object.values(item).map((operation) => operation.operationId),
    );
    assert.deepEqual(Object.keys(OPERATIONS).sort(), [...ids].sort());
    assert.deepEqual(OPERATIONS.createGuest, {
      method: 'POST',
      path: '/organizations/{org_id}/guests',
      base: '/api',
      answer: 'json',
    });
    // The guest side answers under /api only, the unsubscribe link at the root only.
    assert.equal(OPERATIONS.getGuestRecord.base, '/api');
    assert.equal(OPERATIONS.unsubscribeOneClick.base, '');
    assert.equal(OPERATIONS.downloadFile.answer, 'bytes');
  });
});
