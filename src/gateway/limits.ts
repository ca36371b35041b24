/**
 * Where the limits on an operation are set, all checked before execution (no WorkDocs call):
 *
 * - operation shape, by `@escape.tech/graphql-armor`: aliases (`GATEWAY_MAX_ALIASES`), depth of
 *   nested fields (`GATEWAY_MAX_DEPTH`, fragments flattened) and directives
 *   (`GATEWAY_MAX_DIRECTIVES`) → GRAPHQL_VALIDATION_FAILED, HTTP 400; field suggestions ("Did you
 *   mean …?") are hidden in production;
 * - tokens of the document (`GATEWAY_MAX_TOKENS`), by graphql-js's own parser option `maxTokens`
 *   → GRAPHQL_PARSE_FAILED, HTTP 400 (armor's token plugin throws where Apollo Server answers 500,
 *   and counts the same lexer tokens);
 * - no subscriptions (this subgraph has none);
 * - the estimated size of nested lists (`cost.ts`, `GATEWAY_MAX_QUERY_COST`), computed with the
 *   variables as graphql-js coerces them (defaults applied).
 *
 * What an operation costs upstream is bounded at execution by the per-request budget of
 * `WorkDocsCaller` (`budget.ts`).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, OperationTypeNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import type { GatewayConfig } from '../config.js';
import type { GatewayContext } from './context.js';
import { checkCost } from './cost.js';

export type LimitsConfig = Pick<
  GatewayConfig,
  'maxQueryCost' | 'maxAliases' | 'maxDepth' | 'maxTokens' | 'maxDirectives' | 'production'
>;

/** The Apollo plugins and validation rules of the operation-shape limits. */
export function operationShapeLimits(config: LimitsConfig): {
  plugins: ApolloServerPlugin<GatewayContext>[];
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
} {
  const armor = new ApolloArmor({
    maxAliases: { n: config.maxAliases },
    maxDepth: { n: config.maxDepth, flattenFragments: true },
    maxTokens: { enabled: false },
    maxDirectives: { n: config.maxDirectives },
    blockFieldSuggestion: { enabled: config.production },
    // The list-aware estimate of cost.ts replaces armor's flat per-field cost.
    costLimit: { enabled: false },
  }).protect();
  return {
    plugins: armor.plugins as ApolloServerPlugin<GatewayContext>[],
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: config.maxTokens },
  };
}

/** No subscriptions; the nested-list estimate (`cost.ts`). */
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
