import * as sdk from '@aws-sdk/client-workdocs';
import {
  CreateFolderCommand,
  DescribeFolderContentsCommand,
  DescribeGroupsCommand,
  DescribeRootFoldersCommand,
  EntityNotExistsException,
  GetCurrentUserCommand,
  InitiateDocumentVersionUploadCommand,
  ServiceUnavailableException,
  WorkDocsServiceException,
} from '@aws-sdk/client-workdocs';
import { afterEach, describe, expect, it } from 'vitest';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Chaos } from '../../src/workdocs-local/control/chaos.js';
import { isLoopback } from '../../src/net.js';
import { exceptionsOf, httpStatusOf } from '../helpers/model.js';
import { startHarness, useHarness } from './helpers.js';

const initiateErrors = exceptionsOf('InitiateDocumentVersionUpload');

const h = useHarness();
afterEach(async () => {
  await fetch(`${h.local.endpoint}/_local/chaos/faults`, { method: 'DELETE' });
  await fetch(`${h.local.endpoint}/_local/chaos/effects`, { method: 'DELETE' });
});

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${h.local.endpoint}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function initiate(name = `c-${Math.random().toString(36).slice(2)}.txt`) {
  return h.client.send(
    new InitiateDocumentVersionUploadCommand({
      AuthenticationToken: h.local.demoToken,
      ParentFolderId: h.local.demoRootFolderId,
      Name: name,
    }),
  );
}

describe('chaos faults', () => {
  it('the model lists 14 exceptions for InitiateDocumentVersionUpload', () => {
    expect(initiateErrors).toHaveLength(14);
  });

  it.each(initiateErrors)(
    '%s injected arrives as its SDK class with the model status',
    async (code) => {
      const res = await post('/_local/chaos/faults', [
        { operation: 'InitiateDocumentVersionUpload', error: { code }, count: 1 },
      ]);
      expect(res.status).toBe(200);
      const err: unknown = await initiate().catch((e: unknown) => e);
      const Ctor = (sdk as unknown as Record<string, new (...args: never[]) => Error>)[code];
      expect(Ctor).toBeDefined();
      expect(err).toBeInstanceOf(Ctor!);
      expect((err as WorkDocsServiceException).name).toBe(code);
      expect((err as WorkDocsServiceException).$metadata.httpStatusCode).toBe(httpStatusOf(code));
      if (code === 'EntityNotExistsException') {
        expect((err as EntityNotExistsException).EntityIds).toEqual([]);
      }
      // count: 1 → the rule is gone and the next call succeeds.
      const ok = await initiate();
      expect(ok.Metadata!.Id).toBeDefined();
    },
  );

  it('injected faults have no side effects, count down, and can override the status', async () => {
    await post('/_local/chaos/faults', {
      operation: 'CreateFolder',
      error: { code: 'ServiceUnavailableException', statusCode: 500, message: 'try later' },
      count: 2,
    });
    const listed = (await (
      await fetch(`${h.local.endpoint}/_local/chaos/faults`)
    ).json()) as unknown[];
    expect(listed).toHaveLength(1);
    for (let i = 0; i < 2; i++) {
      const err: unknown = await h.client
        .send(
          new CreateFolderCommand({
            AuthenticationToken: h.local.demoToken,
            ParentFolderId: h.local.demoRootFolderId,
            Name: 'chaos-folder',
          }),
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServiceUnavailableException);
      expect((err as Error).message).toBe('try later');
      expect((err as ServiceUnavailableException).$metadata.httpStatusCode).toBe(500);
    }
    const contents = await h.client.send(
      new DescribeFolderContentsCommand({
        AuthenticationToken: h.local.demoToken,
        FolderId: h.local.demoRootFolderId,
        Type: 'FOLDER',
      }),
    );
    expect(contents.Folders!.map((f) => f.Name)).not.toContain('chaos-folder');
    const created = await h.client.send(
      new CreateFolderCommand({
        AuthenticationToken: h.local.demoToken,
        ParentFolderId: h.local.demoRootFolderId,
        Name: 'chaos-folder',
      }),
    );
    expect(created.Metadata!.Name).toBe('chaos-folder');
  });

  it('probability 0 never fires; a rule without operation applies to all', async () => {
    await post('/_local/chaos/faults', [
      { error: { code: 'FailedDependencyException' }, probability: 0 },
    ]);
    await h.client.send(new GetCurrentUserCommand({ AuthenticationToken: h.local.demoToken }));
    await initiate();
    await fetch(`${h.local.endpoint}/_local/chaos/faults`, { method: 'DELETE' });
    await post('/_local/chaos/faults', [{ error: { code: 'FailedDependencyException' } }]);
    await expect(
      h.client.send(new GetCurrentUserCommand({ AuthenticationToken: h.local.demoToken })),
    ).rejects.toBeInstanceOf(sdk.FailedDependencyException);
    await expect(initiate()).rejects.toBeInstanceOf(sdk.FailedDependencyException);
    const cleared = await fetch(`${h.local.endpoint}/_local/chaos/faults`, { method: 'DELETE' });
    expect(await cleared.json()).toEqual([]);
    await h.client.send(new GetCurrentUserCommand({ AuthenticationToken: h.local.demoToken }));
  });

  it('bad control-plane bodies are 400 with a clear message', async () => {
    const notJson = await post('/_local/chaos/faults', '{nope');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { message: string }).message).toContain('not valid JSON');
    const badShape = await post('/_local/chaos/faults', [{ error: {}, probability: 2 }]);
    expect(badShape.status).toBe(400);
    const body = (await badShape.json()) as { issues: string[] };
    expect(body.issues.join(' ')).toMatch(/probability|code/);
    const unknownCode = await post('/_local/chaos/faults', [{ error: { code: 'NoSuchThing' } }]);
    expect(unknownCode.status).toBe(400);
    const badEffect = await post('/_local/chaos/effects', { latencyMs: 'slow' });
    expect(badEffect.status).toBe(400);
  });

  it('a rule for no operation of the model or with an error code unfit for a header is 400, and nothing is added', async () => {
    const typo = await post('/_local/chaos/faults', {
      operation: 'GetDocumnet',
      error: { code: 'ServiceUnavailableException' },
    });
    expect(typo.status).toBe(400);
    expect(((await typo.json()) as { issues: string[] }).issues.join(' ')).toContain(
      'operation: not an operation of the WorkDocs model',
    );
    const badCode = await post('/_local/chaos/faults', {
      operation: 'GetCurrentUser',
      error: { code: 'Bad\nCode', statusCode: 400 },
    });
    expect(badCode.status).toBe(400);
    expect(((await badCode.json()) as { issues: string[] }).issues.join(' ')).toContain(
      'error.code',
    );
    const badEffect = await post('/_local/chaos/effects', { operation: 'Nope', latencyMs: 10 });
    expect(badEffect.status).toBe(400);
    expect(await (await fetch(`${h.local.endpoint}/_local/chaos/faults`)).json()).toEqual([]);
    expect(await (await fetch(`${h.local.endpoint}/_local/chaos/effects`)).json()).toEqual([]);
    // The operation is unaffected.
    const me = await h.client.send(
      new GetCurrentUserCommand({ AuthenticationToken: h.local.demoToken }),
    );
    expect(me.User?.Id).toBe(h.local.demoUserId);
  });
});

describe('chaos effects', () => {
  it('latencyMs delays only the named operation', async () => {
    await post('/_local/chaos/effects', { latencyMs: 1500, operation: 'GetCurrentUser' });
    const order: string[] = [];
    const slow = h.client
      .send(new GetCurrentUserCommand({ AuthenticationToken: h.local.demoToken }))
      .then(() => order.push('slow'));
    await new Promise((r) => setTimeout(r, 20));
    const fast = h.client
      .send(new DescribeRootFoldersCommand({ AuthenticationToken: h.local.demoToken }))
      .then(() => order.push('fast'));
    await Promise.all([slow, fast]);
    expect(order).toEqual(['fast', 'slow']);
    const effects = await (await fetch(`${h.local.endpoint}/_local/chaos/effects`)).json();
    expect(effects).toEqual([{ latencyMs: 1500, operation: 'GetCurrentUser' }]);
    await post('/_local/chaos/effects', {});
    expect(await (await fetch(`${h.local.endpoint}/_local/chaos/effects`)).json()).toEqual([]);
  });

  it('drop runs the operation and then closes the connection without a response', async () => {
    await post('/_local/chaos/effects', { drop: true, operation: 'CreateFolder' });
    const err: unknown = await h.client
      .send(
        new CreateFolderCommand({
          AuthenticationToken: h.local.demoToken,
          ParentFolderId: h.local.demoRootFolderId,
          Name: 'dropped-but-created',
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(WorkDocsServiceException);
    expect((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(
      undefined,
    );
    await fetch(`${h.local.endpoint}/_local/chaos/effects`, { method: 'DELETE' });
    const contents = await h.client.send(
      new DescribeFolderContentsCommand({
        AuthenticationToken: h.local.demoToken,
        FolderId: h.local.demoRootFolderId,
        Type: 'FOLDER',
      }),
    );
    expect(contents.Folders!.map((f) => f.Name)).toContain('dropped-but-created');
  });
});

describe('chaos effects by probability and count, and what was injected', () => {
  it('count limits an effect, probability 0 never fires, and injections are counted per operation', async () => {
    const injections = `${h.local.endpoint}/_local/chaos/injections`;
    expect((await fetch(injections, { method: 'DELETE' })).status).toBe(200);
    await post('/_local/chaos/effects', [
      { drop: true, operation: 'CreateFolder', count: 1 },
      { latencyMs: 5000, operation: 'GetCurrentUser', probability: 0 },
    ]);
    await post('/_local/chaos/faults', {
      operation: 'DescribeRootFolders',
      error: { code: 'ServiceUnavailableException' },
      count: 2,
    });
    const createFolder = (name: string) =>
      h.client.send(
        new CreateFolderCommand({
          AuthenticationToken: h.local.demoToken,
          ParentFolderId: h.local.demoRootFolderId,
          Name: name,
        }),
      );
    const dropped: unknown = await createFolder('counted-drop-1').catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(Error);
    expect(dropped).not.toBeInstanceOf(WorkDocsServiceException);
    // The count is used up: the effect is gone and the next call is answered.
    expect((await createFolder('counted-drop-2')).Metadata?.Name).toBe('counted-drop-2');
    expect(await (await fetch(`${h.local.endpoint}/_local/chaos/effects`)).json()).toEqual([
      { latencyMs: 5000, operation: 'GetCurrentUser', probability: 0 },
    ]);
    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      await h.client.send(new GetCurrentUserCommand({ AuthenticationToken: h.local.demoToken }));
    }
    expect(Date.now() - started).toBeLessThan(5000);
    for (let i = 0; i < 3; i++) {
      await h.client
        .send(new DescribeRootFoldersCommand({ AuthenticationToken: h.local.demoToken }))
        .catch(() => undefined);
    }
    expect(await (await fetch(injections)).json()).toEqual({
      faults: { DescribeRootFolders: { ServiceUnavailableException: 2 } },
      delayed: {},
      dropped: { CreateFolder: 1 },
    });
    expect(await (await fetch(injections, { method: 'DELETE' })).json()).toEqual({
      faults: {},
      delayed: {},
      dropped: {},
    });
  });

  it('an effect with a probability applies to that share of the calls', () => {
    const rolls = [0.05, 0.5, 0.09, 0.95];
    const chaos = new Chaos(() => rolls.shift() ?? 1);
    chaos.setEffects([{ latencyMs: 100, probability: 0.1 }]);
    const delays = [1, 2, 3, 4].map(() => chaos.effectFor('GetDocument').latencyMs);
    expect(delays).toEqual([100, 0, 100, 0]);
    expect(chaos.injections()).toEqual({ faults: {}, delayed: { GetDocument: 2 }, dropped: {} });
  });

  it('probability and count of an effect are validated', async () => {
    for (const bad of [
      { drop: true, probability: 1.5 },
      { drop: true, count: 0 },
    ]) {
      const res = await post('/_local/chaos/effects', bad);
      expect(res.status).toBe(400);
    }
  });
});

describe('control plane and unknown routes', () => {
  it('health answers 200 JSON', async () => {
    const res = await fetch(`${h.local.endpoint}/_local/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('stats count requests per operation (failed and injected ones too) and reset', async () => {
    expect((await fetch(`${h.local.endpoint}/_local/stats`, { method: 'DELETE' })).status).toBe(
      200,
    );
    await h.client.send(new GetCurrentUserCommand({ AuthenticationToken: h.local.demoToken }));
    await h.client.send(new GetCurrentUserCommand({ AuthenticationToken: h.local.demoToken }));
    await h.client
      .send(new GetCurrentUserCommand({ AuthenticationToken: 'bad-token' }))
      .catch(() => undefined);
    await post('/_local/chaos/faults', [
      {
        operation: 'DescribeRootFolders',
        error: { code: 'ServiceUnavailableException' },
        count: 1,
      },
    ]);
    await h.client
      .send(new DescribeRootFoldersCommand({ AuthenticationToken: h.local.demoToken }))
      .catch(() => undefined);
    const stats = (await (await fetch(`${h.local.endpoint}/_local/stats`)).json()) as {
      operations: Record<string, number>;
    };
    expect(stats.operations).toEqual({ GetCurrentUser: 3, DescribeRootFolders: 1 });
    await fetch(`${h.local.endpoint}/_local/stats`, { method: 'DELETE' });
    expect(await (await fetch(`${h.local.endpoint}/_local/stats`)).json()).toEqual({
      operations: {},
    });
  });

  it('an operation of the model that is not implemented is a clear 501 error', async () => {
    const err: unknown = await h.client
      .send(new DescribeGroupsCommand({ AuthenticationToken: h.local.demoToken, SearchQuery: 'x' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkDocsServiceException);
    expect((err as WorkDocsServiceException).name).toBe('NotImplemented');
    expect((err as Error).message).toContain('DescribeGroups');
    expect((err as WorkDocsServiceException).$metadata.httpStatusCode).toBe(501);
  });

  it('unknown paths are JSON 404s', async () => {
    const res = await fetch(`${h.local.endpoint}/no/such/path`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
    const local = await fetch(`${h.local.endpoint}/_local/nothing`);
    expect(local.status).toBe(404);
  });

  it('without chaos enabled the chaos API is a 404', async () => {
    const plain = await startHarness({ chaos: false });
    try {
      const res = await fetch(`${plain.local.endpoint}/_local/chaos/faults`, {
        method: 'POST',
        body: '[]',
      });
      expect(res.status).toBe(404);
      expect((await fetch(`${plain.local.endpoint}/_local/health`)).status).toBe(200);
    } finally {
      await plain.stop();
    }
  });
});

describe('the chaos API cannot be driven by a web page or, beyond loopback, without keys', () => {
  const rule = { operation: 'GetCurrentUser', error: { code: 'ServiceUnavailableException' } };

  it('a POST that is not Content-Type: application/json is refused (415) and changes nothing', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      const res = await fetch(`${h.local.endpoint}/_local/chaos/faults`, {
        method: 'POST',
        headers: type === undefined ? {} : { 'content-type': type },
        body: type === undefined ? undefined : JSON.stringify(rule),
      });
      expect(res.status).toBe(415);
      expect(await res.json()).toEqual({
        message: 'The body must be sent as Content-Type: application/json',
      });
    }
    expect(await (await fetch(`${h.local.endpoint}/_local/chaos/faults`)).json()).toEqual([]);
    const ok = await post('/_local/chaos/faults', rule);
    expect(ok.status).toBe(200);
  });

  it('loopback addresses are recognised; others require the keys', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) {
      expect(isLoopback(host)).toBe(true);
    }
    for (const host of [
      '0.0.0.0',
      '::',
      '10.0.0.5',
      '192.168.1.2',
      'example.com',
      '127.0.0.1.evil',
    ]) {
      expect(isLoopback(host)).toBe(false);
    }
  });

  it('with keys required, only a request signed with the administrator pair is obeyed', async () => {
    const local = await startHarness({ chaosRequiresKeys: true });
    try {
      const url = new URL(`${local.local.endpoint}/_local/chaos/faults`);
      const body = JSON.stringify(rule);
      const signed = async (credentials: { accessKeyId: string; secretAccessKey: string }) => {
        const signer = new SignatureV4({
          credentials,
          region: local.local.region,
          service: 'workdocs',
          sha256: Hash.bind(null, 'sha256'),
        });
        const req = await signer.sign(
          new HttpRequest({
            method: 'POST',
            protocol: 'http:',
            hostname: url.hostname,
            port: Number(url.port),
            path: url.pathname,
            headers: { host: url.host, 'content-type': 'application/json' },
            body,
          }),
        );
        return fetch(url, { method: 'POST', headers: req.headers, body });
      };
      const unsigned = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(unsigned.status).toBe(403);
      expect(await unsigned.json()).toEqual({
        code: 'MissingAuthenticationTokenException',
        message: "The chaos API needs the administrator's key pair: Missing Authentication Token",
      });
      expect((await fetch(url)).status).toBe(403);
      const wrong = await signed({ accessKeyId: local.local.accessKeyId, secretAccessKey: 'nope' });
      expect(wrong.status).toBe(403);
      expect(((await wrong.json()) as { code: string }).code).toBe('InvalidSignatureException');
      const right = await signed({
        accessKeyId: local.local.accessKeyId,
        secretAccessKey: local.local.secretAccessKey,
      });
      expect(right.status).toBe(200);
      // The fault was added: the next GetCurrentUser fails with it.
      await expect(
        local.client.send(
          new GetCurrentUserCommand({ AuthenticationToken: local.local.demoToken }),
        ),
      ).rejects.toBeInstanceOf(ServiceUnavailableException);
    } finally {
      await local.stop();
    }
  });
});
