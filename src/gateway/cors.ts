/**
 * CORS and browser Origins (see the README's "Security" section).
 *
 * - `GATEWAY_CORS_ORIGINS` (comma-separated origins, or `*`) is the allow-list: an allowed `Origin`
 *   is echoed in `Access-Control-Allow-Origin` (with `Vary: Origin`); others get no CORS headers,
 *   so browsers do not let their pages read the answer (and a JSON POST fails its preflight).
 * - Unset: any origin in development (`*`), none in production.
 * - Service-credential mode (`WORKDOCS_ALLOW_SERVICE_CREDENTIALS=true`, the gateway acts as a
 *   WorkDocs administrator): a request with an `Origin` that the list does not name explicitly
 *   (`*` does not count) is refused with 403 before anything else — such a gateway belongs behind a
 *   router that authenticates its callers, never in front of browsers.
 */
import type http from 'node:http';
import type { GatewayConfig } from '../config.js';
import { HttpError } from './http.js';

export interface CorsPolicy {
  /** Any origin may read answers (`*`). */
  anyOrigin: boolean;
  /** The origins named explicitly. */
  origins: ReadonlySet<string>;
  /** Refuse requests whose Origin is not named (service-credential mode). */
  refuseOthers: boolean;
}

export function corsPolicy(
  config: Pick<GatewayConfig, 'corsOrigins' | 'production' | 'allowServiceCredentials'>,
): CorsPolicy {
  const list = config.corsOrigins;
  const named = new Set((list ?? []).filter((o) => o !== '*'));
  const star = list === undefined ? !config.production : list.includes('*');
  return {
    anyOrigin: star && !config.allowServiceCredentials,
    origins: named,
    refuseOthers: config.allowServiceCredentials,
  };
}

/**
 * Sets the CORS headers of an answer for `req`'s Origin; throws a 403 `HttpError` when the policy
 * refuses the request outright (service-credential mode and an Origin not on the list).
 */
export function applyCors(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  policy: CorsPolicy,
): void {
  const origin = req.headers.origin;
  const named = origin !== undefined && policy.origins.has(origin);
  if (origin !== undefined && policy.refuseOthers && !named) {
    throw new HttpError(
      403,
      `Requests from browsers (Origin ${JSON.stringify(origin)}) are refused: this gateway acts with its own WorkDocs credentials (WORKDOCS_ALLOW_SERVICE_CREDENTIALS=true) and belongs behind a router that authenticates callers. List trusted origins in GATEWAY_CORS_ORIGINS.`,
      'FORBIDDEN',
    );
  }
  if (named) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
  } else if (policy.anyOrigin) {
    res.setHeader('Access-Control-Allow-Origin', '*');
  } else {
    return;
  }
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader(
    'Access-Control-Allow-Headers',
    'Authorization, Content-Type, Apollo-Require-Preflight, X-Apollo-Operation-Name, Apollo-Federation-Include-Trace, X-Request-Id, Traceparent, Tracestate',
  );
  res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id');
  res.setHeader('Access-Control-Max-Age', '600');
}
