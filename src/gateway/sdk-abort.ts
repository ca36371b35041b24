/**
 * Per-call abort signals that keep the SDK's middleware cache.
 *
 * The SDK reuses a command class's resolved middleware stack (client option
 * `cacheMiddleware: true`) only for `client.send(command)` WITHOUT a second argument; a call with
 * `{ abortSignal }` resolves the whole stack again and drops the cache. `npm run bench` on bare SDK
 * servers (issue #8): undici + cacheMiddleware 1.5–1.7× the default client; the same with an
 * `abortSignal` per call 1.1–1.2×.
 *
 * So the signal travels beside the call instead of in the options: `setCallSignal` files it under
 * the command's input object; a middleware next to the HTTP handler (step `deserialize`, priority
 * `low`: after signing, which copies the request) files it under the final HTTP request; and
 * `SignalHttpHandler` hands it to undici, which aborts the socket's request when it fires. Both maps
 * are weak: nothing outlives the call.
 */
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { UndiciHttpHandler } from '@smithy/undici-http-handler';

const signalsByInput = new WeakMap<object, AbortSignal>();
const signalsByRequest = new WeakMap<object, AbortSignal>();

type HandleArgs = Parameters<UndiciHttpHandler['handle']>;

/** The undici handler, taking each request's abort signal from `setCallSignal`. */
export class SignalHttpHandler extends UndiciHttpHandler {
  override handle(request: HandleArgs[0], options: HandleArgs[1] = {}) {
    const abortSignal = signalsByRequest.get(request);
    return super.handle(request, abortSignal === undefined ? options : { ...options, abortSignal });
  }
}

/** Adds the middleware that moves a call's signal from its input to its HTTP request. */
export function installSignalMiddleware(client: WorkDocsClient): void {
  client.middlewareStack.add(
    (next) => (args) => {
      const signal = signalsByInput.get(args.input);
      if (signal !== undefined && typeof args.request === 'object' && args.request !== null) {
        signalsByRequest.set(args.request, signal);
      }
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'gatewayAbortSignal' },
  );
}

/**
 * Files `signal` for the next `client.send(command)` of the command with this `input` (send it
 * with ONE argument, so the middleware cache applies). The client needs `installSignalMiddleware`
 * and a `SignalHttpHandler`; undici then aborts the HTTP request when `signal` fires.
 */
export function setCallSignal(input: object, signal: AbortSignal): void {
  signalsByInput.set(input, signal);
}
