/**
 * CORS headers of the gateway's answers.
 */
import type http from 'node:http';

export function corsHeaders(res: http.ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader(
    'Access-Control-Allow-Headers',
    'Authorization, Content-Type, Apollo-Require-Preflight, X-Apollo-Operation-Name, Apollo-Federation-Include-Trace, X-Request-Id, Traceparent, Tracestate',
  );
  res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id');
  res.setHeader('Access-Control-Max-Age', '600');
}
