/**
 * Middlewares of the SDK's stack that did per-call work whose result never changes for the
 * gateway's one long-lived client, replaced by ones that do it once (same names, steps and
 * priorities, so the rest of the stack is built exactly as before):
 *
 * - `retryMiddleware`: the client is built with `maxAttempts: 1`; `WorkDocsCaller` decides what
 *   is retried (only reads, and writes that provably never reached WorkDocs). The SDK's middleware
 *   still acquired a retry token, awaited its providers and made a UUID for every call. It becomes a
 *   pass-through. (Removing it fails: other middlewares are placed relative to it.)
 * - `getUserAgentMiddleware`: rebuilt and re-escaped the same `user-agent` and `x-amz-user-agent`
 *   strings on every call. The SDK's own middleware still computes them — for the first call of
 *   each command — and its result is reused.
 * - `serializerMiddleware` / `deserializerMiddleware` (schema serde): each copied the whole client
 *   configuration (~90 properties) into a fresh object, `{ ...config, ...context }`, to hand the
 *   protocol a context it only reads from. Here that context is an object whose prototype is the
 *   configuration, with the call's own context copied on top: the same reads, no copy. Answers
 *   with an error status still go through the SDK's own deserializer middleware, so WorkDocs'
 *   exceptions are built exactly as before.
 *
 * `npm run bench:profile` (issue #8) showed these at ~8% of the gateway's CPU and ~40 KB of
 * allocation per mutation.
 */
import { getUserAgentMiddlewareOptions, userAgentMiddleware } from '@aws-sdk/core/client';
import type {
  ServiceInputTypes,
  ServiceOutputTypes,
  WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import { getSmithyContext } from '@smithy/core';
import { toEndpointV1 } from '@smithy/core/endpoints';
import {
  deserializerMiddlewareOption,
  getSchemaSerdePlugin,
  operation,
  serializerMiddlewareOption,
} from '@smithy/core/schema';
import type {
  BuildHandlerArguments,
  DeserializeMiddleware,
  EndpointV2,
  MiddlewareStack,
  SerializeMiddleware,
  StaticOperationSchema,
} from '@smithy/types';

/** The HTTP request of a call, as the middlewares of steps `build` and later see it. */
export interface WireRequest {
  headers: Record<string, string>;
}

export function isWireRequest(request: unknown): request is WireRequest {
  return (
    typeof request === 'object' &&
    request !== null &&
    typeof (request as { headers?: unknown }).headers === 'object' &&
    (request as { headers?: unknown }).headers !== null
  );
}

const USER_AGENT_HEADERS = ['user-agent', 'x-amz-user-agent'] as const;

/** Applies the replacements to `client`'s stack (before its first call). */
export function trimSdkStack(client: WorkDocsClient): void {
  replaceSerde(client);
  client.middlewareStack.add((next) => (args) => next(args), {
    name: 'retryMiddleware',
    tags: ['RETRY'],
    step: 'finalizeRequest',
    priority: 'high',
    override: true,
  });

  const sdkUserAgent = userAgentMiddleware(client.config);
  client.middlewareStack.add(
    (next, context) => {
      // The headers the SDK's middleware set for this command's first call.
      let headers: Partial<Record<(typeof USER_AGENT_HEADERS)[number], string>> | undefined;
      const viaSdk = sdkUserAgent((args: BuildHandlerArguments<ServiceInputTypes>) => {
        if (isWireRequest(args.request)) {
          headers = {};
          for (const name of USER_AGENT_HEADERS) {
            const value = args.request.headers[name];
            if (value !== undefined) headers[name] = value;
          }
        }
        return next(args);
      }, context);
      return (args) => {
        if (headers === undefined || !isWireRequest(args.request)) return viaSdk(args);
        Object.assign(args.request.headers, headers);
        return next(args);
      };
    },
    { ...getUserAgentMiddlewareOptions, override: true },
  );
}

/** What the schema protocol of the client offers the serde middlewares. */
interface SerdeProtocol {
  serializeRequest(schema: Operation, input: unknown, context: object): Promise<unknown>;
  deserializeResponse(schema: Operation, context: object, response: unknown): Promise<object>;
}

/** The call's context for the protocol: reads fall through to the client configuration. */
function serdeContext(config: object, context: object, extra?: object): object {
  return Object.assign(Object.create(config) as object, context, extra);
}

type Operation = ReturnType<typeof operation>;

/** The operation schema the command put in the call's context, as the SDK's middlewares read it. */
function operationOf(context: object): Operation {
  const { operationSchema } = getSmithyContext(context) as {
    operationSchema?: StaticOperationSchema;
  };
  if (operationSchema === undefined) throw new Error('the command has no operation schema');
  const [, ns, n, t, i, o] = operationSchema;
  return operation(ns, n, t, i, o);
}

function replaceSerde(client: WorkDocsClient): void {
  const config = client.config as unknown as { protocol: SerdeProtocol; endpoint?: unknown };
  // The SDK's own serde middlewares, for answers with an error status.
  let sdkDeserializer: DeserializeMiddleware<ServiceInputTypes, ServiceOutputTypes> | undefined;
  getSchemaSerdePlugin(client.config).applyToStack({
    add(middleware: unknown, options: { name?: string }) {
      if (options.name === deserializerMiddlewareOption.name) {
        sdkDeserializer = middleware as DeserializeMiddleware<
          ServiceInputTypes,
          ServiceOutputTypes
        >;
      }
    },
  } as unknown as MiddlewareStack<ServiceInputTypes, ServiceOutputTypes>);
  if (sdkDeserializer === undefined) throw new Error('the SDK has no schema deserializer');
  const viaSdk = sdkDeserializer;

  const serialize: SerializeMiddleware<ServiceInputTypes, ServiceOutputTypes> =
    (next, context) => async (args) => {
      const endpointV2 = (context as { endpointV2?: EndpointV2 }).endpointV2;
      const endpoint =
        endpointV2 === undefined
          ? config.endpoint
          : () => Promise.resolve(toEndpointV1(endpointV2));
      const request = await config.protocol.serializeRequest(
        operationOf(context),
        args.input,
        serdeContext(config, context, { endpoint }),
      );
      return next({ ...args, request });
    };
  client.middlewareStack.add(serialize, {
    ...serializerMiddlewareOption,
    step: 'serialize',
    override: true,
  });

  const deserialize: DeserializeMiddleware<ServiceInputTypes, ServiceOutputTypes> =
    (next, context) => async (args) => {
      const { response } = await next(args);
      const status = (response as { statusCode?: number }).statusCode;
      if (status === undefined || status >= 300) {
        return viaSdk(
          () => Promise.resolve({ response, output: {} as ServiceOutputTypes }),
          context,
        )(args);
      }
      const output = await config.protocol.deserializeResponse(
        operationOf(context),
        serdeContext(config, context),
        response,
      );
      return { response, output: output as ServiceOutputTypes };
    };
  client.middlewareStack.add(deserialize, {
    ...deserializerMiddlewareOption,
    step: 'deserialize',
    override: true,
  });
}
