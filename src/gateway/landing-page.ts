/**
 * The landing page at `GET /graphql` with `Accept: text/html`: Apollo Sandbox (embedded) in
 * development, none in production. The demo token is embedded only when the gateway listens on a
 * loopback address.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { isLoopback } from '../net.js';

/** What the Sandbox opens with: an operation, its variables and headers. */
export interface SandboxInitialState {
  document?: string;
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/**
 * What the Sandbox may open with on a gateway listening on `host`: the `Authorization` header (the
 * demo token) only on a loopback address — a page served to the network must not hand it out.
 */
export function sandboxFor(
  sandbox: SandboxInitialState | undefined,
  host: string,
): SandboxInitialState {
  if (sandbox === undefined) return {};
  if (isLoopback(host) || sandbox.headers === undefined) return sandbox;
  const headers = Object.fromEntries(
    Object.entries(sandbox.headers).filter(([name]) => name.toLowerCase() !== 'authorization'),
  );
  return { ...sandbox, headers };
}

export function landingPagePlugin(
  production: boolean,
  sandbox: SandboxInitialState | undefined,
  host: string,
): ApolloServerPlugin {
  return production
    ? ApolloServerPluginLandingPageDisabled()
    : ApolloServerPluginLandingPageLocalDefault({ embed: true, ...sandboxFor(sandbox, host) });
}
