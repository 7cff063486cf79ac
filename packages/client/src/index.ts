/**
 * `@guest-service/client`: a typed client of the guest-management service, generated from its
 * OpenAPI document. README, TypeScript client.
 */
export {
  createClient,
  type Client,
  type ClientOptions,
  type DataOf,
  type ItemOf,
  type OperationId,
  type RequestOf,
  type ResponseOf,
} from './client.js';
export { ApiError, NetworkError } from './errors.js';
export type { RetryOptions } from './retry.js';
export type * from './generated.js';
export { OPERATIONS } from './generated.js';
