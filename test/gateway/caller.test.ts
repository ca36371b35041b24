/**
 * `WorkDocsCaller` at unit level: the per-request cap on concurrent upstream calls, and the
 * refusal of token-less calls. (Deadlines, retries and error translation run against WorkDocs
 * Local in server.test.ts and error-walk.test.ts.)
 */
import { GetDocumentCommand, type WorkDocsClient } from '@aws-sdk/client-workdocs';
import { describe, expect, it } from 'vitest';
import { WorkDocsCaller } from '../../src/gateway/workdocs-client.js';

/** A stand-in SDK client that records how many sends are in flight at once. */
function countingClient(): { client: WorkDocsClient; peak: () => number; tokens: string[] } {
  let inFlight = 0;
  let peak = 0;
  const tokens: string[] = [];
  const client = {
    async send(command: GetDocumentCommand) {
      inFlight++;
      peak = Math.max(peak, inFlight);
      tokens.push(command.input.AuthenticationToken ?? '');
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return { Metadata: { Id: command.input.DocumentId }, $metadata: {} };
    },
  };
  return { client: client as unknown as WorkDocsClient, peak: () => peak, tokens };
}

const options = {
  allowServiceCredentials: false,
  timeoutMs: 5_000,
  maxConcurrentCalls: 3,
};

describe('WorkDocsCaller', () => {
  it('keeps at most GATEWAY_MAX_CONCURRENT_UPSTREAM_CALLS calls of one request in flight', async () => {
    const { client, peak } = countingClient();
    const caller = new WorkDocsCaller(client, { ...options, authenticationToken: 't' });
    const ids = Array.from({ length: 20 }, (_, n) => `doc-${String(n)}`);
    const out = await Promise.all(
      ids.map((DocumentId) => caller.send(new GetDocumentCommand({ DocumentId }))),
    );
    expect(out.map((o) => o.Metadata?.Id)).toEqual(ids);
    expect(peak()).toBe(3);
  });

  it("forwards the request's token on every call", async () => {
    const { client, tokens } = countingClient();
    const caller = new WorkDocsCaller(client, { ...options, authenticationToken: 'alice' });
    await caller.send(new GetDocumentCommand({ DocumentId: 'd' }));
    expect(tokens).toEqual(['alice']);
  });

  it('refuses a call without a token, sending nothing, unless service credentials are allowed', async () => {
    const { client, tokens } = countingClient();
    const refused = new WorkDocsCaller(client, { ...options, authenticationToken: undefined });
    await expect(refused.send(new GetDocumentCommand({ DocumentId: 'd' }))).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(tokens).toEqual([]);
    const admin = new WorkDocsCaller(client, {
      ...options,
      authenticationToken: undefined,
      allowServiceCredentials: true,
    });
    await admin.send(new GetDocumentCommand({ DocumentId: 'd' }));
    expect(tokens).toEqual(['']);
  });
});
