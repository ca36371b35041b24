/**
 * `npm run schema:print [-- <file>]`: prints the subgraph SDL — the `printSubgraphSchema` form,
 * with the Federation 2 `@link` and `@key` directives, exactly what `_service { sdl }` returns — to
 * stdout, or writes it to `<file>`. A router's composition (Rover `supergraph compose`, Cosmo, Hive)
 * reads that file; see `supergraph.yaml` at the repository root.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { loadTypeDefs } from './server.js';

/** The subgraph SDL of `schema/*.graphql`, with its federation directives. */
export function printSubgraphSdl(): string {
  return printSubgraphSchema(buildSubgraphSchema([{ typeDefs: parse(loadTypeDefs()) }]));
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
