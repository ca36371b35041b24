/**
 * The custom scalars, from graphql-scalars: `DateTime` (ISO-8601, SDK `Date`s serialize to
 * `2026-11-26T22:17:10.123Z`) and `Long` (64-bit; safe integers as JSON numbers, larger values as
 * strings; inputs as a number or a string of digits).
 *
 * `Long` keeps graphql-scalars' serializer but parses inputs itself: a safe integer becomes a
 * `number`, a larger one a `bigint` (graphql-scalars does the same, but prints a console warning
 * about `BigInt.prototype.toJSON` on the first input).
 */
import { GraphQLError, GraphQLScalarType, Kind, print, type ValueNode } from 'graphql';
import { GraphQLDateTime, GraphQLLong } from 'graphql-scalars';
import type { Resolvers } from '../../generated/graphql.js';

const INTEGER = /^-?\d+$/;

function parseLong(value: unknown): bigint | number {
  let big: bigint | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
  else if (typeof value === 'bigint') big = value;
  else if (typeof value === 'string' && INTEGER.test(value.trim())) big = BigInt(value.trim());
  if (big === undefined) {
    throw new GraphQLError(
      `Long cannot represent ${JSON.stringify(typeof value === 'bigint' ? String(value) : value)}: give a whole number or a string of digits`,
    );
  }
  const safe = big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER);
  return safe ? Number(big) : big;
}

export const GraphQLLongScalar = new GraphQLScalarType<bigint | number, unknown>({
  name: 'Long',
  serialize: (value) => GraphQLLong.serialize(value),
  parseValue: parseLong,
  parseLiteral(ast: ValueNode) {
    if (ast.kind === Kind.INT || ast.kind === Kind.STRING) return parseLong(ast.value);
    throw new GraphQLError(`Long cannot represent ${print(ast)}`, { nodes: ast });
  },
});

export const scalarResolvers: Resolvers = {
  DateTime: GraphQLDateTime,
  Long: GraphQLLongScalar,
};
