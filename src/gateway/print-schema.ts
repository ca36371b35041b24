/**
 * `npm run schema:print [-- <file>]`: prints the subgraph SDL — the Federation 2 form with its
 * `@link` and `@key` directives, exactly what `_service { sdl }` returns — to
 * stdout, or writes it to `<file>`. A router's composition (Rover `supergraph compose`, Cosmo, Hive)
 * reads that file; see `supergraph.yaml` at the repository root.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type * as GraphQLModule from 'graphql';
import { loadTypeDefs } from './schema.js';

/**
 * graphql-js exactly as `@apollo/subgraph` loads it (CommonJS). Under Node both are the same
 * module; under bundler-style resolvers (vitest/vite pick `index.mjs`) an ESM import would be a
 * second copy that refuses the schema `buildSubgraphSchema` built.
 */
const { graphqlSync, parse } = createRequire(import.meta.url)('graphql') as typeof GraphQLModule;

/**
 * The subgraph SDL of `schema/*.graphql` with its federation directives (`@link`, `@key`, and the
 * definitions they import), exactly as the running gateway answers `_service { sdl }`.
 */
export function printSubgraphSdl(): string {
  const schema = buildSubgraphSchema([{ typeDefs: parse(loadTypeDefs()) }]);
  const result = graphqlSync({ schema, source: '{ _service { sdl } }' });
  const sdl = (result.data?._service as { sdl?: unknown } | undefined)?.sdl;
  if (result.errors !== undefined || typeof sdl !== 'string') {
    throw new Error(`could not print the subgraph SDL: ${JSON.stringify(result.errors)}`);
  }
  return sdl;
}

const USAGE = `Usage: npm run schema:print [-- <file>]

Prints the Federation 2 subgraph SDL of workdocs-graphql (what \`_service { sdl }\` returns) to
stdout, or writes it to <file>. Compose it with Rover: rover supergraph compose --config supergraph.yaml
`;

function main(args: string[]): number {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.length > 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  const sdl = `${printSubgraphSdl().trimEnd()}\n`;
  const file = args[0];
  if (file === undefined || file === '-') {
    process.stdout.write(sdl);
  } else {
    writeFileSync(resolve(file), sdl, 'utf8');
    process.stderr.write(`Wrote the subgraph SDL to ${resolve(file)}\n`);
  }
  return 0;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  process.exitCode = main(process.argv.slice(2));
}
