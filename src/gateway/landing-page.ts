/**
 * The landing page at `GET /graphql` with `Accept: text/html`: Apollo Sandbox (embedded) in
 * development, none in production.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

/** What the Sandbox opens with: an operation, its variables and headers. */
export interface SandboxInitialState {
  document?: string;
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export function landingPagePlugin(
  production: boolean,
  sandbox: SandboxInitialState | undefined,
): ApolloServerPlugin {
  return production
    ? ApolloServerPluginLandingPageDisabled()
    : ApolloServerPluginLandingPageLocalDefault({ embed: true, ...(sandbox ?? {}) });
}
