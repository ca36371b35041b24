/**
 * Where the limits on an operation are set, before execution: no subscriptions, and the estimated
 * cost of nested lists (`cost.ts`, `GATEWAY_MAX_QUERY_COST`).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, OperationTypeNode, type GraphQLSchema } from 'graphql';
import type { GatewayConfig } from '../config.js';
import type { GatewayContext } from './context.js';
import { checkCost } from './cost.js';

export function limitsPlugin(
  schema: GraphQLSchema,
  config: Pick<GatewayConfig, 'maxQueryCost'>,
): ApolloServerPlugin<GatewayContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ document, operation, request }) => {
          if (operation?.operation === OperationTypeNode.SUBSCRIPTION) {
            // graphql-js 16 only notices at execution (an untyped error); v17 validates it.
            throw new GraphQLError('This subgraph has no subscriptions (no Subscription type).', {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
            });
          }
          if (operation) {
            checkCost(schema, document, operation, request.variables ?? {}, config.maxQueryCost);
          }
          return Promise.resolve();
        },
      }),
  };
}
