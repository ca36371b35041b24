/**
 * The one signal of a whole HTTP request: it aborts when the request's deadline
 * (`GATEWAY_REQUEST_TIMEOUT_MS`) passes — reason REQUEST_TIMEOUT — or when the client goes away
 * before the answer was sent — reason REQUEST_CANCELLED. `WorkDocsCaller` aborts the request's
 * calls in flight with it and sends no further call.
 */
import type http from 'node:http';
import { GatewayError } from './errors.js';

export interface RequestSignal {
  signal: AbortSignal;
  /** Stops the deadline timer (the answer was sent). */
  dispose(): void;
}

export function requestSignal(res: http.ServerResponse, timeoutMs: number): RequestSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(
      new GatewayError({
        code: 'REQUEST_TIMEOUT',
        message: `The request did not complete within ${String(timeoutMs)} ms (GATEWAY_REQUEST_TIMEOUT_MS)`,
      }),
    );
  }, timeoutMs);
  const onClose = (): void => {
    clearTimeout(timer);
    if (!res.writableFinished && !controller.signal.aborted) {
      controller.abort(
        new GatewayError({
          code: 'REQUEST_CANCELLED',
          message: 'The client closed the connection before the answer was sent',
        }),
      );
    }
  };
  res.once('close', onClose);
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
    },
  };
}
