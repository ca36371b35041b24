import http from 'node:http';
import {
  GetDocumentVersionCommand,
  InitiateDocumentVersionUploadCommand,
  InvalidArgumentException,
} from '@aws-sdk/client-workdocs';
import { describe, expect, it } from 'vitest';
import { parseRange } from '../../src/workdocs-local/transfers/range.js';
import { uploadDocument } from '../helpers/workdocs.js';
import { useHarness } from './helpers.js';

const MAX_UPLOAD = 1000;
const h = useHarness({ maxUploadBytes: MAX_UPLOAD });

async function downloadUrl(documentId: string, versionId: string): Promise<string> {
  const v = await h.client.send(
    new GetDocumentVersionCommand({
      AuthenticationToken: h.local.demoToken,
      DocumentId: documentId,
      VersionId: versionId,
      Fields: 'SOURCE',
    }),
  );
  return v.Metadata!.Source!.ORIGINAL!;
}

describe('downloads', () => {
  it('an uploaded HTML page is served as an attachment browsers do not sniff', async () => {
    const doc = await uploadDocument(h.client, h.local.demoToken, {
      parentFolderId: h.local.demoRootFolderId,
      name: 'pägé "1".html',
      body: '<script>alert(1)</script>',
      contentType: 'text/html',
    });
    const res = await fetch(await downloadUrl(doc.documentId, doc.versionId));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="p_g_ _1_.html"; filename*=UTF-8''p%C3%A4g%C3%A9%20%221%22.html`,
    );
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(await res.text()).toBe('<script>alert(1)</script>');
  });

  it('serves byte ranges (206 + Content-Range), and 416 for a range beyond the end', async () => {
    const body = '0123456789';
    const doc = await uploadDocument(h.client, h.local.demoToken, {
      parentFolderId: h.local.demoRootFolderId,
      name: 'digits.txt',
      body,
      contentType: 'text/plain',
    });
    const url = await downloadUrl(doc.documentId, doc.versionId);
    const get = async (range: string) => {
      const res = await fetch(url, { headers: { range } });
      return {
        status: res.status,
        contentRange: res.headers.get('content-range'),
        length: res.headers.get('content-length'),
        body: await res.text(),
      };
    };
    expect(await get('bytes=2-4')).toEqual({
      status: 206,
      contentRange: 'bytes 2-4/10',
      length: '3',
      body: '234',
    });
    expect(await get('bytes=7-')).toMatchObject({
      status: 206,
      contentRange: 'bytes 7-9/10',
      body: '789',
    });
    expect(await get('bytes=-3')).toMatchObject({
      status: 206,
      contentRange: 'bytes 7-9/10',
      body: '789',
    });
    expect(await get('bytes=8-100')).toMatchObject({
      status: 206,
      contentRange: 'bytes 8-9/10',
      body: '89',
    });
    const beyond = await get('bytes=10-12');
    expect(beyond.status).toBe(416);
    expect(beyond.contentRange).toBe('bytes */10');
    expect(beyond.body).toContain('<Code>InvalidRange</Code>');
    // Malformed or multiple ranges are ignored: the whole file.
    expect(await get('bytes=4-2')).toMatchObject({ status: 200, body });
    expect(await get('bytes=0-1,3-4')).toMatchObject({ status: 200, body });
    expect(await get('items=0-1')).toMatchObject({ status: 200, body });
  });

  it('parseRange covers the edge cases', () => {
    expect(parseRange(undefined, 10)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=0-0', 10)).toEqual({ kind: 'partial', start: 0, end: 0 });
    expect(parseRange('bytes=-0', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-20', 10)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-', 10)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=99999999999999999999-', 10)).toEqual({ kind: 'full' });
  });
});

describe('WORKDOCS_LOCAL_MAX_UPLOAD_BYTES', () => {
  function initiate(size?: number) {
    return h.client.send(
      new InitiateDocumentVersionUploadCommand({
        AuthenticationToken: h.local.demoToken,
        ParentFolderId: h.local.demoRootFolderId,
        Name: `m-${Math.random().toString(36).slice(2)}.bin`,
        ContentType: 'application/octet-stream',
        DocumentSizeInBytes: size,
      }),
    );
  }

  it('a declared size over the limit is InvalidArgumentException at initiate', async () => {
    const err: unknown = await initiate(MAX_UPLOAD + 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentException);
    expect((err as Error).message).toBe(
      `DocumentSizeInBytes ${MAX_UPLOAD + 1} exceeds the largest upload this service accepts (${MAX_UPLOAD} bytes)`,
    );
    await expect(initiate(MAX_UPLOAD)).resolves.toBeDefined();
  });

  it('an undeclared PUT over the limit is 413 EntityTooLarge, a body at the limit passes', async () => {
    const over = await initiate();
    const put = (body: Buffer) =>
      fetch(over.UploadMetadata!.UploadUrl!, {
        method: 'PUT',
        headers: over.UploadMetadata!.SignedHeaders!,
        body,
      });
    const res = await put(Buffer.alloc(MAX_UPLOAD + 1));
    expect(res.status).toBe(413);
    expect(await res.text()).toContain(
      `<Code>EntityTooLarge</Code><Message>The body exceeds the largest upload this service accepts (${MAX_UPLOAD} bytes)</Message>`,
    );
    expect((await put(Buffer.alloc(MAX_UPLOAD))).status).toBe(200);
  });

  it('is refused before the body is sent when the client asks Expect: 100-continue', async () => {
    const init = await initiate();
    const url = new URL(init.UploadMetadata!.UploadUrl!);
    const result = await new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
      let continued = false;
      const req = http.request(url, {
        method: 'PUT',
        headers: {
          ...init.UploadMetadata!.SignedHeaders!,
          'content-length': String(10 * MAX_UPLOAD),
          expect: '100-continue',
        },
      });
      req.on('continue', () => {
        continued = true;
        req.end(Buffer.alloc(10 * MAX_UPLOAD));
      });
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, continued });
        req.destroy();
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(result).toEqual({ status: 413, continued: false });
  });
});
