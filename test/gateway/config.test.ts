/**
 * The config module's validation of the gateway's variables (`loadGatewayConfig`), beyond what
 * the CLI test spawns: values the runtime cannot honour are refused with a message naming them.
 */
import { describe, expect, test } from 'vitest';
import { ConfigError, loadGatewayConfig } from '../../src/config.js';
import { useStack } from '../helpers/stack.js';

describe('WORKDOCS_TIMEOUT_MS', () => {
  test('above what a Node timer can wait (2^31 - 1 ms) → ConfigError naming it', () => {
    expect(() => loadGatewayConfig({ WORKDOCS_TIMEOUT_MS: '3000000000' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ WORKDOCS_TIMEOUT_MS: '3000000000' })).toThrow(
      /WORKDOCS_TIMEOUT_MS/,
    );
    expect(loadGatewayConfig({ WORKDOCS_TIMEOUT_MS: '2147483647' }).timeoutMs).toBe(2147483647);
  });
});

describe('the largest accepted deadline', () => {
  const stack = useStack({
    gateway: { timeoutMs: loadGatewayConfig({ WORKDOCS_TIMEOUT_MS: '2147483647' }).timeoutMs },
  });

  test('is a real deadline: calls succeed (a timer overflow would abort them at once)', async () => {
    const { body } = await stack.graphql('{ me { id } }', {}, stack.local.demoToken);
    expect(body.errors).toBeUndefined();
    expect(body.data?.me).toEqual({ id: expect.any(String) as unknown });
  });
});
