/**
 * The demo page in a real Chromium, against WorkDocs Local and the gateway started here (port 0,
 * 127.0.0.1): the page does the whole upload with GraphQL and one PUT to the signed URL.
 *
 * - a 5 MiB file uploads, is listed ACTIVE, and its download link gives back the same SHA-256;
 * - an upload cancelled midway leaves no draft behind;
 * - a second version changes the version count; a dropped file uploads too;
 * - a folder of 21 documents pages forward and back with the connection's cursors;
 * - with the user's quota filled, the storage-limit message shows, with a request id;
 * - WorkDocs unavailable shows its own message;
 * - a token that is not valid shows the sign-in-again message.
 * The finished page is saved as `artifacts/demo.png`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UpdateUserCommand } from '@aws-sdk/client-workdocs';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStack, type Stack } from '../../../test/helpers/stack.js';
import { createFolder, sdkClient, uploadDocument } from '../../../test/helpers/workdocs.js';
import { buildWeb } from '../build.js';
import { describeWithChromium, launchChromium, type Browser } from './browser.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const SCREENSHOT = path.join(REPO, 'artifacts', 'demo.png');
const MiB = 1024 * 1024;
/** How long a poll waits for the page (the machine may be busy). */
const WAIT = { timeout: 30_000 };

describeWithChromium('the demo page in Chromium', () => {
  let tmp: string;
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let demoUrl: string;
  const big = randomBytes(5 * MiB);
  const files: Record<string, string> = {};

  const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
  const row = (name: string) => page.locator(`#items tr[data-name="${name}"]`);
  const upload = (name: string) => page.locator(`#uploads li.upload[data-file="${name}"]`).first();
  /** The next answer to the GraphQL operation named `name`; its `x-request-id` header. */
  const gatewayRequestId = async (name: string): Promise<string | undefined> => {
    const res = await page.waitForResponse(
      (r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes(name),
    );
    return res.headers()['x-request-id'];
  };

  async function me(): Promise<{ id: string; used: number }> {
    const { body } = await stack.graphql(
      '{ me { id storage { storageUtilizedInBytes } } }',
      {},
      stack.local.demoToken,
    );
    const user = (body.data?.me ?? {}) as {
      id: string;
      storage: { storageUtilizedInBytes: number };
    };
    return { id: user.id, used: user.storage.storageUtilizedInBytes };
  }

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'workdocs-graphql-web-'));
    const dist = path.join(tmp, 'dist');
    await buildWeb(dist);
    // As `npm start` does, the gateway gives the page WorkDocs Local's demo token to prefill.
    stack = await startStack({ demo: { dir: dist } });
    for (const [name, bytes] of [
      ['big.bin', big],
      ['cancel.bin', randomBytes(5 * MiB)],
      ['big-v2.bin', randomBytes(64 * 1024)],
      ['over.txt', Buffer.from('one byte too many')],
    ] as const) {
      files[name] = path.join(tmp, name);
      await writeFile(files[name], bytes);
    }
    browser = await launchChromium();
    page = await browser.context.newPage();
    demoUrl = stack.gatewayUrl.replace(/\/graphql$/, '/demo/');
  });

  afterAll(async () => {
    // Unset when beforeAll failed early.
    await (browser as Browser | undefined)?.close();
    await (stack as Stack | undefined)?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('opens signed in with the prefilled demo token and shows the root folder', async () => {
    await page.goto(demoUrl);
    await expect.poll(() => page.locator('#folder-title').textContent(), WAIT).toBe('My documents');
    expect(await page.inputValue('#token')).toBe(stack.local.demoToken);
    expect(await page.locator('#workspace').isVisible()).toBe(true);
    expect(await page.locator('#empty').isVisible()).toBe(true);
  });

  it('uploads a 5 MiB file: listed ACTIVE, and its download link gives the same SHA-256', async () => {
    await page.setInputFiles('#file-input', files['big.bin']!);
    await upload('big.bin').and(page.locator('[data-state="done"]')).waitFor();
    expect(
      await upload('big.bin')
        .locator('progress')
        .evaluate((p: HTMLProgressElement) => [p.value, p.max]),
    ).toEqual([5 * MiB, 5 * MiB]);
    await row('big.bin').waitFor();
    expect(await row('big.bin').locator('.status').textContent()).toBe('ACTIVE');
    expect(await row('big.bin').locator('.size').textContent()).toBe('5.0 MiB');
    expect(await row('big.bin').locator('.versions').textContent()).toBe('1');
    expect(await row('big.bin').locator('.creator').textContent()).not.toBe('—');
    const href = await row('big.bin').locator('a.download').getAttribute('href');
    expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const res = await fetch(href!);
    expect(res.status).toBe(200);
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(big));
  });

  it('cancelling an upload midway leaves no draft behind', async () => {
    const usedBefore = (await me()).used;
    const cdp: CDPSession = await browser.context.newCDPSession(page);
    // 5 MiB at 512 KiB/s: about 10 s, so the PUT is surely under way when Cancel is clicked.
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 512 * 1024,
    });
    try {
      await page.setInputFiles('#file-input', files['cancel.bin']!);
      const item = upload('cancel.bin');
      await expect
        .poll(async () => Number(await item.getAttribute('data-percent')), WAIT)
        .toBeGreaterThan(0);
      expect(Number(await item.getAttribute('data-percent'))).toBeLessThan(100);
      const documentId = await item.getAttribute('data-document-id');
      expect(documentId).toMatch(/\S/);
      await item.locator('button.cancel').click();
      await item.and(page.locator('[data-state="cancelled"]')).waitFor();
      expect(await item.locator('.message').textContent()).toContain('Upload cancelled.');
      // No draft: the document is gone, it is not listed, and no bytes count against the quota.
      const { body } = await stack.graphql(
        'query($id: ID!) { document(id: $id) { id } }',
        { id: documentId },
        stack.local.demoToken,
      );
      expect(body.data?.document).toBeNull();
      expect(body.errors?.[0]?.extensions?.code).toBe('ENTITY_NOT_EXISTS');
      expect(await row('cancel.bin').count()).toBe(0);
      expect((await me()).used).toBe(usedBefore);
    } finally {
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      await cdp.detach();
    }
  });

  it('a second version of the document changes its version count', async () => {
    const chooser = page.waitForEvent('filechooser');
    await row('big.bin').locator('button.new-version').click();
    await (await chooser).setFiles(files['big-v2.bin']!);
    await upload('big-v2.bin').and(page.locator('[data-state="done"]')).waitFor();
    // The new version carries the new file's name.
    await row('big-v2.bin').waitFor();
    expect(await row('big-v2.bin').locator('.versions').textContent()).toBe('2');
    expect(await row('big-v2.bin').locator('.size').textContent()).toBe('64.0 KiB');
    expect(await row('big.bin').count()).toBe(0);
  });

  it('a file dropped on the drop zone uploads like a picked one', async () => {
    const dataTransfer = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['dropped bytes'], 'dropped.txt', { type: 'text/plain' }));
      return dt;
    });
    await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer });
    await upload('dropped.txt').and(page.locator('[data-state="done"]')).waitFor();
    await row('dropped.txt').waitFor();
    expect(await row('dropped.txt').locator('.status').textContent()).toBe('ACTIVE');
    expect(await row('dropped.txt').locator('.size').textContent()).toBe('13 B');
  });

  it('pages through a folder with the connection cursors, and back', async () => {
    const client = sdkClient(stack.local);
    const token = stack.local.demoToken;
    const folderId = await createFolder(client, token, stack.local.demoRootFolderId, 'Many files');
    for (let i = 0; i < 21; i++) {
      await uploadDocument(client, token, {
        parentFolderId: folderId,
        name: `file-${String(i).padStart(2, '0')}.txt`,
        body: `file ${String(i)}`,
        contentType: 'text/plain',
      });
    }
    await page.click('#root-folder');
    await page.locator('#items tr.folder[data-name="Many files"] button').click();
    await expect.poll(() => page.locator('#folder-title').textContent(), WAIT).toBe('Many files');
    const names = () =>
      page
        .locator('#items tr.document')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
    const first20 = Array.from({ length: 20 }, (_, i) => `file-${String(i).padStart(2, '0')}.txt`);
    await expect.poll(names, WAIT).toEqual(first20);
    expect(await page.isDisabled('#prev-page')).toBe(true);
    await page.click('#next-page');
    await expect.poll(names, WAIT).toEqual(['file-20.txt']);
    expect(await page.textContent('#page-number')).toBe('Page 2');
    expect(await page.isDisabled('#next-page')).toBe(true);
    await page.click('#prev-page');
    await expect.poll(names, WAIT).toEqual(first20);
    await page.click('#parent-folder');
    await expect.poll(() => page.locator('#folder-title').textContent(), WAIT).toBe('My documents');
  });

  it('with the quota filled, an upload shows the storage-limit message with a request id', async () => {
    const user = await me();
    await sdkClient(stack.local).send(
      new UpdateUserCommand({
        UserId: user.id,
        StorageRule: { StorageType: 'QUOTA', StorageAllocatedInBytes: user.used },
      }),
    );
    const requestId = gatewayRequestId('mutation InitiateUpload');
    await page.setInputFiles('#file-input', files['over.txt']!);
    const item = upload('over.txt');
    await item.and(page.locator('[data-state="failed"]')).waitFor();
    const message = item.locator('.message');
    expect(await message.getAttribute('data-code')).toBe('STORAGE_LIMIT_EXCEEDED');
    expect(await message.locator('strong').textContent()).toBe('Your storage is full.');
    // The gateway's request id, which its logs and WorkDocs Local's carry too.
    expect(await requestId).toMatch(/^\S+$/);
    expect(await message.locator('.request-id').textContent()).toBe(
      `Request id: ${(await requestId)!}`,
    );
    expect(await row('over.txt').count()).toBe(0);

    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('WorkDocs unavailable shows its own message, apart from the union errors', async () => {
    await stack.control('POST', '/_local/chaos/faults', [
      {
        operation: 'InitiateDocumentVersionUpload',
        error: { code: 'ServiceUnavailableException' },
        count: 1,
      },
    ]);
    const requestId = gatewayRequestId('mutation InitiateUpload');
    await page.setInputFiles('#file-input', files['over.txt']!);
    const alert = page.locator('#alert');
    await alert.and(page.locator('[data-kind="unreachable"]')).waitFor();
    expect(await alert.locator('strong').textContent()).toBe(
      'WorkDocs cannot be reached right now.',
    );
    expect(await alert.locator('.request-id').textContent()).toBe(
      `Request id: ${(await requestId)!}`,
    );
    expect(await page.locator('#workspace').isVisible()).toBe(true);
  });

  it('a token that is not valid shows the sign-in-again message', async () => {
    await page.click('#sign-out');
    await page.fill('#token', 'not-a-valid-token');
    const requestId = gatewayRequestId('query Me');
    await page.click('#sign-in-button');
    const alert = page.locator('#alert');
    await alert.and(page.locator('[data-kind="sign-in"]')).waitFor();
    expect(await alert.locator('strong').textContent()).toBe(
      'Your sign-in has expired or the token is not valid.',
    );
    expect(await alert.textContent()).toContain('Sign in again');
    expect(await requestId).toMatch(/^\S+$/);
    expect(await alert.locator('.request-id').textContent()).toBe(
      `Request id: ${(await requestId)!}`,
    );
    expect(await page.locator('#sign-in').isVisible()).toBe(true);
    expect(await page.locator('#workspace').isVisible()).toBe(false);
  });
});
