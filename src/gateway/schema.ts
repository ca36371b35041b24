/**
 * The subgraph schema: every `schema/*.graphql` (the source of truth) with the resolver map, built
 * by `@apollo/subgraph`, and the guard on `_entities` representations (`entity-guard.ts`).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse, type GraphQLSchema } from 'graphql';
import { guardEntityRepresentations } from './entity-guard.js';
import { resolvers } from './resolvers/index.js';

const SCHEMA_DIR = new URL('../../schema/', import.meta.url);

/** The SDL of the subgraph: every `schema/*.graphql`, in name order. */
export function loadTypeDefs(): string {
  return readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(new URL(f, SCHEMA_DIR), 'utf8'))
    .join('\n');
}

/** The executable subgraph schema, `_entities` guarded. */
export function buildGatewaySchema(): GraphQLSchema {
  const schema = buildSubgraphSchema([
    {
      typeDefs: parse(loadTypeDefs()),
      resolvers: resolvers as GraphQLResolverMap<unknown>,
    },
  ]);
  guardEntityRepresentations(schema);
  return schema;
}
