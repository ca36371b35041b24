/**
 * The Apollo Server side of the request observation (`request-observation.ts`):
 * - `observabilityPlugin`: records the resolved operation (name, type) and the response's errors
 *   (the first one's code), and adds the gateway's request id to the `extensions` of EVERY error
 *   as `gatewayRequestId`, next to WorkDocs' own `requestId`.
 * - `observeUserErrors`: wraps the type resolution of the result unions so that a member that
 *   implements `UserError` (a user error returned as data) is recorded — cheap: it runs only for
 *   union fields, never per field.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError, GraphQLSchema, GraphQLUnionType } from 'graphql';
import type { GatewayContext } from '../context.js';

/** The extension that carries the gateway's request id in every error. */
export const REQUEST_ID_EXTENSION = 'gatewayRequestId';

/** `errors` with `gatewayRequestId` in each one's extensions. */
export function withRequestId(
  errors: readonly GraphQLFormattedError[],
  requestId: string,
): GraphQLFormattedError[] {
  return errors.map((e) => ({
    ...e,
    extensions: { ...e.extensions, [REQUEST_ID_EXTENSION]: requestId },
  }));
}

function firstCode(errors: readonly GraphQLFormattedError[]): string | undefined {
  const code = errors[0]?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

export function observabilityPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ operation, contextValue }) => {
          if (operation) {
            contextValue.observation?.operation(operation.name?.value ?? null, operation.operation);
          }
          return Promise.resolve();
        },
        willSendResponse: ({ response, contextValue }) => {
          const observation = contextValue.observation;
          if (observation === undefined) return Promise.resolve();
          const result =
            response.body.kind === 'single'
              ? response.body.singleResult
              : response.body.initialResult;
          const errors = result.errors;
          if (errors !== undefined && errors.length > 0) {
            observation.errors(firstCode(errors));
            (result as { errors?: readonly GraphQLFormattedError[] }).errors = withRequestId(
              errors,
              observation.requestId,
            );
          }
          observation.responded = true;
          return Promise.resolve();
        },
      }),
  };
}

/**
 * Wraps `resolveType` of every union with members implementing `UserError` so that resolving to
 * such a member records it on the request's observation.
 */
export function observeUserErrors(schema: GraphQLSchema): ReadonlySet<string> {
  const all = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    // Duck-typed: under vitest, @apollo/subgraph's graphql-js is another copy than ours.
    const union = type as Partial<GraphQLUnionType>;
    const inner = union.resolveType;
    if (typeof union.getTypes !== 'function' || typeof inner !== 'function') continue;
    const members = new Set(
      union
        .getTypes()
        .filter((t) => t.getInterfaces().some((i) => i.name === 'UserError'))
        .map((t) => t.name),
    );
    if (members.size === 0) continue;
    for (const m of members) all.add(m);
    union.resolveType = (value, context: GatewayContext, info, abstractType) => {
      const resolved = inner(value, context, info, abstractType);
      if (typeof resolved === 'string' && members.has(resolved)) {
        context.observation?.userError(resolved);
      }
      return resolved;
    };
  }
  return all;
}
