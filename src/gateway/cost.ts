/**
 * A bound on what one operation may ask for, checked before execution.
 *
 * Lists multiply: `folder { contents(first: 999) { edges { node { … parentFolder { contents(…) …`
 * costs one DescribeFolderContents call per item and level, and a few nested levels make millions
 * of calls and a response of gigabytes (a single such request exhausted the process's memory). So
 * every operation gets an estimated cost — the number of field values it can produce — and one
 * above `GATEWAY_MAX_QUERY_COST` is refused with BAD_USER_INPUT (HTTP 400) before any call.
 *
 * The estimate: every selected field costs 1 per value of its parent; a field multiplies the cost of
 * its selections by
 * - its `first` argument (the `contents` connection; the schema's default when omitted) — the
 *   `edges` list of a `…Connection` then counts once;
 * - the length of its list argument (`users(ids)`, `_entities(representations)`);
 * - `DEFAULT_LIST_SIZE` for other lists (`versions`, `rootFolders`, `labels`, …).
 * Both branches of an inline fragment or union count (an upper bound). Introspection fields
 * (`__schema`, `__type`) count 1: the schema bounds them. The walk stops as soon as the limit is
 * passed, so estimating a huge operation is cheap.
 *
 * Variables count as graphql-js coerces them for execution (`getVariableValues`: defaults
 * applied), so `query($n: Int = 999)` is estimated with 999 like `{"n": 999}`.
 *
 * The estimate bounds the response's size before execution; what an operation costs upstream is
 * bounded where the calls are made (the per-request budget of `WorkDocsCaller`), and the shape of
 * an operation (depth, aliases, tokens, directives) by graphql-armor (`limits.ts`).
 */
import { createRequire } from 'node:module';
import { GraphQLError, Kind, OperationTypeNode } from 'graphql';
import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from 'graphql';

/**
 * graphql-js as Apollo Server and @apollo/subgraph load it (its CommonJS build). graphql ships a
 * CommonJS and an ES module build; where both get loaded (vitest loads our sources as ES modules)
 * graphql-js refuses a schema of the other copy, so the coercion uses the schema's own copy.
 */
const graphqlOfSchema = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * The operation's variables as execution will see them (`getVariableValues`: coerced, defaults
 * applied); undefined when they do not coerce (execution then refuses them, without any call).
 */
export function coercedVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  raw: Readonly<Record<string, unknown>>,
): Record<string, unknown> | undefined {
  const result = graphqlOfSchema.getVariableValues(
    schema,
    operation.variableDefinitions ?? [],
    raw,
    { maxErrors: 1 },
  );
  return result.coerced;
}

/** The assumed length of a list whose length no argument tells. */
export const DEFAULT_LIST_SIZE = 10;
/** The largest `first` counted (the resolvers refuse larger ones). */
const MAX_FIRST = 999;

interface FieldInfo {
  /** The named return type (`FolderMetadata` for `[FolderMetadata!]!`). */
  typeName: string;
  isList: boolean;
  /** Argument name → default value (a JS value), for `first`. */
  defaults: Map<string, unknown>;
}

/** Field lookups per schema, computed once per (type, field): they run for every request. */
const fieldInfoCache = new WeakMap<GraphQLSchema, Map<string, FieldInfo | undefined>>();

/** Field lookup by the types' string forms, so it works with any copy of graphql-js. */
function fieldInfo(
  schema: GraphQLSchema,
  parentType: string,
  field: string,
): FieldInfo | undefined {
  let cache = fieldInfoCache.get(schema);
  if (cache === undefined) {
    cache = new Map();
    fieldInfoCache.set(schema, cache);
  }
  const key = `${parentType}.${field}`;
  if (cache.has(key)) return cache.get(key);
  const type = schema.getType(parentType) as { getFields?: () => Record<string, unknown> } | null;
  const def = type?.getFields?.()[field] as
    { type: unknown; args?: readonly { name: string; defaultValue?: unknown }[] } | undefined;
  const printed = def === undefined ? undefined : String(def.type);
  const info =
    def === undefined || printed === undefined
      ? undefined
      : {
          typeName: printed.replace(/[[\]!]/g, ''),
          isList: printed.includes('['),
          defaults: new Map((def.args ?? []).map((a) => [a.name, a.defaultValue])),
        };
  cache.set(key, info);
  return info;
}

/** The variables of one estimate, and whether the estimate read any of them. */
interface Variables {
  values: Readonly<Record<string, unknown>>;
  read: boolean;
}

function valueOf(node: ValueNode, variables: Variables): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      variables.read = true;
      return variables.values[node.name.value];
    case Kind.INT:
      return Number(node.value);
    case Kind.LIST:
      return node.values;
    case Kind.NULL:
      return null;
    default:
      return undefined;
  }
}

/** The multiplier a field applies to its selections. */
function multiplier(
  info: FieldInfo | undefined,
  parentType: string,
  args: readonly { name: { value: string }; value: ValueNode }[],
  variables: Variables,
): number {
  if (info === undefined) return 1;
  if (info.defaults.has('first')) {
    const given = args.find((a) => a.name.value === 'first');
    const raw = given === undefined ? undefined : valueOf(given.value, variables);
    const first = Number(raw ?? info.defaults.get('first') ?? MAX_FIRST);
    return Number.isFinite(first) ? Math.min(MAX_FIRST, Math.max(1, Math.trunc(first))) : MAX_FIRST;
  }
  if (!info.isList) return 1;
  // A connection's edges: its `first` already counted them.
  if (parentType.endsWith('Connection')) return 1;
  for (const arg of args) {
    const value = valueOf(arg.value, variables);
    if (Array.isArray(value)) return Math.max(1, value.length);
  }
  return DEFAULT_LIST_SIZE;
}

/**
 * The estimated cost of `operation` (see the file header); stops counting once above `limit` and
 * returns the count so far (> `limit`).
 */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  limit: number,
): number {
  return estimate(schema, document, operation, { values: variables, read: false }, limit);
}

function estimate(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Variables,
  limit: number,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  const rootType =
    operation.operation === OperationTypeNode.MUTATION
      ? (schema.getMutationType()?.name ?? 'Mutation')
      : (schema.getQueryType()?.name ?? 'Query');
  let total = 0;

  const walk = (set: SelectionSetNode, parentType: string, times: number): void => {
    for (const sel of set.selections) {
      if (total > limit) return;
      if (sel.kind === Kind.FIELD) {
        total += times;
        const name = sel.name.value;
        if (sel.selectionSet === undefined || name.startsWith('__')) continue;
        const info = fieldInfo(schema, parentType, name);
        const factor = multiplier(info, parentType, sel.arguments ?? [], variables);
        walk(sel.selectionSet, info?.typeName ?? parentType, times * factor);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, sel.typeCondition?.name.value ?? parentType, times);
      } else {
        const fragment = fragments.get(sel.name.value);
        if (fragment) walk(fragment.selectionSet, fragment.typeCondition.name.value, times);
      }
    }
  };
  walk(operation.selectionSet, rootType, 1);
  return total;
}

/** Costs of operations whose estimate reads no variable (complete counts only). */
const constantCosts = new WeakMap<OperationDefinitionNode, number>();

/**
 * Throws the BAD_USER_INPUT error (HTTP 400) when the operation's estimated cost is above `limit`;
 * `rawVariables` are the request's, coerced here as execution will.
 */
export function checkCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Readonly<Record<string, unknown>>,
  limit: number,
): void {
  const constant = constantCosts.get(operation);
  if (constant !== undefined && constant <= limit) return;
  const values = coercedVariables(schema, operation, rawVariables);
  if (values === undefined) return;
  const variables = { values, read: false };
  const cost = estimate(schema, document, operation, variables, limit);
  // An estimate that read no variable is the same for every request of this operation: Apollo
  // Server reuses the parsed document of a query it has seen, so the next request skips the
  // coercion and the walk. Only complete counts (within the limit) are kept.
  if (!variables.read && cost <= limit) constantCosts.set(operation, cost);
  if (cost <= limit) return;
  throw new GraphQLError(
    `The operation is too large: it could produce more than ${String(limit)} field values ` +
      '(nested lists multiply: `contents(first)`, `users(ids)`, `_entities`, `versions`, …). ' +
      'Ask for fewer items per level or fewer nested levels, and page with `after`.',
    {
      extensions: {
        code: 'BAD_USER_INPUT',
        requestId: null,
        httpStatus: 400,
        retryable: false,
        http: { status: 400 },
      },
    },
  );
}
