/**
 * The guard on `Query._entities`: a representation this subgraph cannot resolve (not an object, no
 * string `__typename`, or a type that is not one of its entities) is the caller's BAD_USER_INPUT,
 * naming the representation, before any upstream call — `@apollo/subgraph` itself would throw a
 * plain Error (an INTERNAL_SERVER_ERROR whose message production hides).
 */
import { GraphQLError, type GraphQLSchema, type GraphQLUnionType } from 'graphql';

/** Wraps the resolver of `Query._entities` of `schema` (in place). */
export function guardEntityRepresentations(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()._entities;
  // Duck-typed: under vitest, @apollo/subgraph's graphql-js is another copy than ours (no instanceof).
  const entityUnion = schema.getType('_Entity') as Partial<GraphQLUnionType> | undefined;
  const inner = field?.resolve;
  if (field === undefined || inner === undefined || typeof entityUnion?.getTypes !== 'function') {
    return;
  }
  const entityNames = entityUnion.getTypes().map((t) => t.name);
  const names = new Set(entityNames);
  field.resolve = (source, args: { representations?: unknown }, context, info) => {
    const representations = Array.isArray(args.representations) ? args.representations : [];
    representations.forEach((rep: unknown, i) => {
      const typename =
        typeof rep === 'object' && rep !== null && !Array.isArray(rep)
          ? (rep as { __typename?: unknown }).__typename
          : undefined;
      if (typeof typename === 'string' && names.has(typename)) return;
      const what =
        typeof typename === 'string'
          ? `its __typename ${JSON.stringify(typename)} is not an entity of this subgraph`
          : 'it is not an object with a string __typename';
      throw new GraphQLError(
        `representations[${String(i)}]: ${what}; entities: ${entityNames.join(', ')}`,
        {
          extensions: {
            code: 'BAD_USER_INPUT',
            requestId: null,
            httpStatus: 400,
            retryable: false,
          },
        },
      );
    });
    return inner(source, args, context, info);
  };
}
