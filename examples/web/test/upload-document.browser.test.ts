/**
 * `uploadDocument` where it normally runs — a page in Chromium, where the PUT goes through
 * XMLHttpRequest with upload progress — against the real stack. The module is the one
 * `npm run web:build` writes as `upload-document.js`, imported by a page of the gateway's origin.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startStack, type Stack } from '../../../test/helpers/stack.js';
import { buildWeb } from '../build.js';
import type { UploadProgress, UploadResult } from '../src/index.js';
import { describeWithChromium, launchChromium, type Browser } from './browser.js';

interface Run {
  result: UploadResult;
  progress: UploadProgress[];
}

/** What the page runs: imports the module, uploads a file of `size` bytes, records progress. */
interface RunArgs {
  size: number;
  name: string;
  token: string;
  folderId: string;
  /** Abort once this many bytes were reported sent (-1: never). */
  abortAfter: number;
  /** Abort the draft through GraphQL before the PUT (the PUT then fails with 404). */
  abortDraftFirst: boolean;
}

type UploadModule = typeof import('../src/index.js');

async function runInPage(page: Page, args: RunArgs): Promise<Run> {
  return page.evaluate(async (a: RunArgs) => {
    const m = (globalThis as unknown as { uploadModule: UploadModule }).uploadModule;
    const client = m.createGatewayClient({ url: '/graphql', token: a.token });
    const progress: UploadProgress[] = [];
    const controller = new AbortController();
    const file = new File([new Uint8Array(a.size).fill(7)], a.name, { type: 'text/plain' });
    const result = await m.uploadDocument(file, {
      client,
      folderId: a.folderId,
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p);
        if (a.abortAfter >= 0 && p.loaded > a.abortAfter) controller.abort();
      },
      onInitiated: async ({ documentId, versionId }) => {
        if (!a.abortDraftFirst) return;
        await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${a.token}` },
          body: JSON.stringify({
            query:
              'mutation($d: ID!, $v: ID!) { abortDocumentVersionUpload(documentId: $d, versionId: $v) { __typename } }',
            variables: { d: documentId, v: versionId },
          }),
        });
      },
    });
    return { result, progress };
  }, args);
}

describeWithChromium('uploadDocument in Chromium (XMLHttpRequest)', () => {
  let tmp: string;
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const MiB = 1024 * 1024;

  const args = (over: Partial<RunArgs>): RunArgs => ({
    size: 1000,
    name: 'file.txt',
    token: stack.local.demoToken,
    folderId: stack.local.demoRootFolderId,
    abortAfter: -1,
    abortDraftFirst: false,
    ...over,
  });

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'workdocs-graphql-web-'));
    await buildWeb(tmp);
    stack = await startStack({ demo: { dir: tmp } });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(stack.gatewayUrl.replace(/\/graphql$/, '/demo/'));
    // A string, so that vitest does not rewrite the import() meant for the page.
    await page.evaluate(
      "import('/demo/upload-document.js').then((m) => { globalThis.uploadModule = m; })",
    );
    // 2 MiB/s upload: a 2 MiB PUT reports progress several times along the way.
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 2 * MiB,
    });
  });

  beforeEach(async () => {
    await stack.resetChaos();
  });

  afterAll(async () => {
    // Unset when beforeAll failed early.
    await (browser as Browser | undefined)?.close();
    await (stack as Stack | undefined)?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('reports progress from 0 to the size, rising, and returns the ACTIVE document', async () => {
    const { result, progress } = await runInPage(page, args({ size: 2 * MiB, name: 'p.txt' }));
    expect(result).toMatchObject({
      ok: true,
      document: { latestVersionMetadata: { name: 'p.txt', size: 2 * MiB, status: 'ACTIVE' } },
    });
    expect(progress[0]).toEqual({ loaded: 0, total: 2 * MiB });
    expect(progress.at(-1)).toEqual({ loaded: 2 * MiB, total: 2 * MiB });
    const between = progress.filter((p) => p.loaded > 0 && p.loaded < 2 * MiB);
    expect(between.length).toBeGreaterThan(0);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.loaded).toBeGreaterThanOrEqual(progress[i - 1]!.loaded);
    }
  });

  it('aborting midway aborts the PUT and removes the draft', async () => {
    const { result, progress } = await runInPage(
      page,
      args({ size: 2 * MiB, name: 'a.txt', abortAfter: 0 }),
    );
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'aborted', step: 'upload', draftRemoved: true },
    });
    expect(progress.at(-1)!.loaded).toBeLessThan(2 * MiB);
    const stats = await stack.stats();
    expect(stats.AbortDocumentVersionUpload).toBe(1);
    expect(stats.UpdateDocumentVersion).toBeUndefined();
    const { body } = await stack.graphql(
      'query($id: ID!) { document(id: $id) { id } }',
      { id: result.ok ? null : result.documentId },
      stack.local.demoToken,
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('ENTITY_NOT_EXISTS');
  });

  it('a PUT WorkDocs refuses is upload-failed with its status, code and request id', async () => {
    const { result } = await runInPage(page, args({ name: 'gone.txt', abortDraftFirst: true }));
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'upload-failed', status: 404, code: 'NoSuchUpload' },
    });
    if (result.ok || result.error.kind !== 'upload-failed') return;
    expect(result.error.requestId).toMatch(/\S/);
  });
});
