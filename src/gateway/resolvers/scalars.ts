/**
 * The custom scalars, from graphql-scalars: `DateTime` (ISO-8601, SDK `Date`s serialize to
 * `2026-11-26T22:17:10.123Z`) and `Long` (64-bit; safe integers as JSON numbers, larger values as
 * strings; inputs as a number or a string of digits).
 */
import { GraphQLDateTime, GraphQLLong } from 'graphql-scalars';
import type { Resolvers } from '../../generated/graphql.js';

export const scalarResolvers: Resolvers = {
  DateTime: GraphQLDateTime,
  Long: GraphQLLong,
};
