/**
 * The per-request context every resolver receives, and `createRequestContext`, which builds it for
 * each GraphQL request: the caller's token, a `WorkDocsCaller` over the one process-wide SDK client
 * (with the request's budget and signal), the request's DataLoaders, the cursor signer and a child
 * logger.
 */
import type http from 'node:http';
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import { bearerToken } from './auth.js';
import { RequestBudget } from './budget.js';
import type { CursorSigner } from './cursors.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { RequestObservation } from './observability/request-observation.js';
import { WorkDocsCaller } from './workdocs-client.js';

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
  /** Signs and verifies the cursors of connections (`cursors.ts`). */
  cursors: CursorSigner;
  /** The request's signal: aborts at `GATEWAY_REQUEST_TIMEOUT_MS` or when the client goes away. */
  signal: AbortSignal;
  /** A child logger of this request (its bindings carry `reqId`). */
  log: Logger;
  /** What is recorded about this request (metrics, access log, span); see `observability/`. */
  observation?: RequestObservation | undefined;
}

/** The context of one GraphQL request; throws UNAUTHENTICATED for a malformed `Authorization`. */
export function createRequestContext(
  req: http.IncomingMessage,
  deps: {
    client: WorkDocsClient;
    config: Pick<
      GatewayConfig,
      | 'allowServiceCredentials'
      | 'timeoutMs'
      | 'maxConcurrentUpstreamCalls'
      | 'maxUpstreamCalls'
      | 'maxItemsRead'
    >;
    cursors: CursorSigner;
    /** The request's signal (see `request-signal.ts`). */
    signal: AbortSignal;
    log: Logger;
    /** The request's observation; its child logger becomes the context's `log`. */
    observation?: RequestObservation | undefined;
    /** false = loaders without batching or caching (benchmark only; see `GatewayServerOptions`). */
    dataLoader?: boolean | undefined;
  },
): GatewayContext {
  const { client, config, signal } = deps;
  const authenticationToken = bearerToken(req.headers.authorization);
  const { observation } = deps;
  const log = observation?.log ?? deps.log;
  const workdocs = new WorkDocsCaller(client, {
    authenticationToken,
    allowServiceCredentials: config.allowServiceCredentials,
    timeoutMs: config.timeoutMs,
    maxConcurrentCalls: config.maxConcurrentUpstreamCalls,
    budget: new RequestBudget({
      maxCalls: config.maxUpstreamCalls,
      maxItems: config.maxItemsRead,
    }),
    signal,
    log,
    observer: observation,
  });
  return {
    authenticationToken,
    workdocs,
    loaders: createLoaders({
      workdocs,
      authenticationToken,
      batchAndCache: deps.dataLoader ?? true,
    }),
    cursors: deps.cursors,
    signal,
    log,
    observation,
  };
}
