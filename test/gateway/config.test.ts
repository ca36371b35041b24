/**
 * The config module's validation of the gateway's variables (`loadGatewayConfig`), beyond what
 * the CLI test spawns: values the runtime cannot honour are refused with a message naming them.
 */
import { describe, expect, test } from 'vitest';
import { ConfigError, loadGatewayConfig, loadWorkDocsLocalConfig } from '../../src/config.js';
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

describe('URLs', () => {
  test.each(['localhost:4100', 'ftp://example.com', 'mailto:ops@example.com'])(
    'WORKDOCS_ENDPOINT=%s (not http/https, so every call would fail) → ConfigError naming it',
    (url) => {
      expect(() => loadGatewayConfig({ WORKDOCS_ENDPOINT: url })).toThrow(ConfigError);
      expect(() => loadGatewayConfig({ WORKDOCS_ENDPOINT: url })).toThrow(/WORKDOCS_ENDPOINT/);
      expect(() => loadWorkDocsLocalConfig({ WORKDOCS_LOCAL_PUBLIC_URL: url })).toThrow(
        /WORKDOCS_LOCAL_PUBLIC_URL/,
      );
    },
  );

  test('http and https URLs are accepted', () => {
    expect(loadGatewayConfig({ WORKDOCS_ENDPOINT: 'http://127.0.0.1:4100' }).workdocsEndpoint).toBe(
      'http://127.0.0.1:4100',
    );
    expect(
      loadGatewayConfig({ WORKDOCS_ENDPOINT: 'https://workdocs.us-east-1.amazonaws.com' })
        .workdocsEndpoint,
    ).toBe('https://workdocs.us-east-1.amazonaws.com');
    expect(
      loadWorkDocsLocalConfig({ WORKDOCS_LOCAL_PUBLIC_URL: 'https://files.example.com' }).publicUrl,
    ).toBe('https://files.example.com');
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
