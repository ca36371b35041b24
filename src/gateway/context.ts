/**
 * The per-request context every resolver receives, built by `createContext` in `server.ts` for
 * each GraphQL request.
 */
import type { Logger } from 'pino';
import type { Loaders } from './loaders.js';
import type { WorkDocsCaller } from './workdocs-client.js';

export interface GatewayContext {
  /** The caller's WorkDocs token from `Authorization: Bearer <token>`, if any. Secret: never log it. */
  authenticationToken: string | undefined;
  /**
   * The way to WorkDocs for this request: `send(command)` injects the token, applies the deadline
   * and the retry policy, and throws only `GatewayError`s (see `workdocs-client.ts`).
   */
  workdocs: WorkDocsCaller;
  /** This request's DataLoaders (`createLoaders`): never shared across requests or users. */
  loaders: Loaders;
  /** A child logger of this request. */
  log: Logger;
}
