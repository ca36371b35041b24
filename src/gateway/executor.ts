/**
 * How operations are executed: compiled by graphql-jit, once per parsed operation, instead of
 * interpreted by graphql-js on every request.
 *
 * Apollo Server admits another executor only through its gateway interface (`gateway` instead of
 * `schema`), so `jitGateway` is a "gateway" that serves this subgraph's own schema and executes
 * against it — same schema object, same resolvers, same plugins, parsing, validation and error
 * formatting by Apollo. Measured with `npm run bench` (issue #8): graphql-js's per-field work
 * (argument maps, result objects, promise bookkeeping) was ~250 µs of CPU and ~0.45 MB of garbage
 * for `folder.contents(first: 50)` with creators; compiled, the listing costs ~25% less CPU and the
 * mutation ~12% less.
 *
 * What stays with graphql-js (`execute`), with identical results:
 * - variable coercion: its messages are what clients see for bad variables (Apollo classifies them
 *   as BAD_USER_INPUT by their wording); the compiled query runs only on variables it accepted;
 * - the first request of each operation: an operation is compiled when it comes again (Apollo hands
 *   out the same parsed document for the same query text). Compiling costs milliseconds, so a
 *   client sending a new query text every time would otherwise make every request cost that;
 * - requests that ask for a federated trace (`apollo-federation-include-trace: ftv1`): the inline
 *   trace records each field through Apollo's resolver instrumentation, which graphql-js drives;
 * - an operation graphql-jit cannot compile.
 *
 * graphql-jit's field errors are `GraphQLError`s by prototype only: frozen (plugins that rewrite a
 * message, as graphql-armor's suggestion mask does in production, throw on them) and without AST
 * nodes. Each is rebuilt as the error graphql-js would have made: same message, path, locations
 * (from the operation's source), extensions and original error.
 */
import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import {
  execute,
  getVariableValues,
  GraphQLError,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type SourceLocation,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Gateway = ApolloServerOptionsWithGateway<Record<string, unknown>>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

const TRACE_HEADER = 'apollo-federation-include-trace';

/** The offset in `body` of a 1-based line and column. */
function offsetOf(body: string, { line, column }: SourceLocation): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = body.indexOf('\n', offset);
    if (next < 0) break;
    offset = next + 1;
  }
  return offset + column - 1;
}

/** A graphql-jit field error as graphql-js makes it. */
function asGraphQLJsError(error: GraphQLError, document: DocumentNode): GraphQLError {
  const source = document.loc?.source;
  return new GraphQLError(error.message, {
    ...(source === undefined
      ? {}
      : { source, positions: (error.locations ?? []).map((l) => offsetOf(source.body, l)) }),
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
}

export interface JitGatewayOptions {
  /**
   * An operation is run by graphql-js instead: `first-use` (not compiled yet), `trace` (a
   * federated trace was asked for), or `uncompilable` (once per parsed operation, with
   * graphql-jit's reason).
   */
  onInterpreted?:
    ((reason: 'first-use' | 'trace' | 'uncompilable', detail?: unknown) => void) | undefined;
}

/** An operation seen once and not compiled yet. */
const SEEN_ONCE = Symbol('seen once');

/** The gateway interface of Apollo Server, serving `schema` with compiled execution. */
export function jitGateway(schema: GraphQLSchema, options: JitGatewayOptions = {}): Gateway {
  const { onInterpreted } = options;
  // Per parsed document (Apollo's document store hands out the same object for the same query)
  // and operation name (null: the document's only operation); `undefined` remembers an operation
  // graphql-jit could not compile. Documents Apollo no longer holds are collected with their
  // compiled queries.
  const compiled = new WeakMap<
    DocumentNode,
    Map<string | null, CompiledQuery | undefined | typeof SEEN_ONCE>
  >();

  function compiledFor(
    document: DocumentNode,
    operationName: string | null,
  ): CompiledQuery | undefined {
    let byName = compiled.get(document);
    if (byName === undefined) {
      byName = new Map();
      compiled.set(document, byName);
    }
    const known = byName.get(operationName);
    if (!byName.has(operationName)) {
      byName.set(operationName, SEEN_ONCE);
      onInterpreted?.('first-use');
      return undefined;
    }
    if (known !== SEEN_ONCE) return known;
    let query: CompiledQuery | undefined;
    try {
      const result = compileQuery(schema, document, operationName ?? undefined, {
        disablingCapturingStackErrors: true,
      });
      if (isCompiledQuery(result)) query = result;
      else onInterpreted?.('uncompilable', result.errors);
    } catch (err) {
      onInterpreted?.('uncompilable', err);
    }
    byName.set(operationName, query);
    return query;
  }

  const executor: Executor = async (rc) => {
    const { document, operation, context } = rc;
    const variables = rc.request.variables ?? {};
    const traced = rc.request.http?.headers.get(TRACE_HEADER) === 'ftv1';
    if (traced) onInterpreted?.('trace');
    const query = traced ? undefined : compiledFor(document, rc.operationName);
    if (query === undefined) {
      return execute({
        schema,
        document,
        contextValue: context,
        variableValues: variables,
        operationName: rc.operationName,
      });
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, {
      maxErrors: 50,
    });
    if (coerced.errors !== undefined) return { errors: coerced.errors };
    const result = (await query.query(undefined, context, variables)) as ExecutionResult;
    if (result.errors === undefined) return result;
    return { ...result, errors: result.errors.map((e) => asGraphQLJsError(e, document)) };
  };

  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    load: () => Promise.resolve({ executor }),
    stop: () => Promise.resolve(),
  };
}
