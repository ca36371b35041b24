/**
 * The soak's checks (bench/soak/) can fail: its end-state verification against a real WorkDocs
 * Local finds a document nobody asked for, bytes that are not what the client uploaded, an
 * acknowledged upload that is gone and an aborted one that is still there — and nothing when the
 * state is what the clients were told; its error bookkeeping finds untyped codes and 5xx answers
 * no fault explains.
 */
import { createHash } from 'node:crypto';
import { InitiateDocumentVersionUploadCommand } from '@aws-sdk/client-workdocs';
import { describe, expect, it } from 'vitest';
import { Recorder, type Upload } from '../../bench/soak/record.js';
import { verifyEndState } from '../../bench/soak/verify.js';
import { createFolder, uploadDocument } from '../helpers/workdocs.js';
import { useHarness } from '../workdocs-local/helpers.js';

const h = useHarness();

const sha256 = (body: string): string => createHash('sha256').update(body).digest('hex');

function upload(name: string, folderId: string, body: string, over: Partial<Upload>): Upload {
  return {
    vu: 0,
    user: 'demo',
    name,
    folderId,
    size: Buffer.byteLength(body),
    sha256: sha256(body),
    plan: 'complete',
    documentId: undefined,
    versionId: undefined,
    initiate: 'ok',
    initiateLandedUnseen: false,
    put: 'ok',
    complete: 'ok',
    abort: 'none',
    ...over,
  };
}

const codes = new Set(['SERVICE_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'ENTITY_NOT_EXISTS']);

describe('soak end-state checks', () => {
  it('pass when the state is what every client was told', async () => {
    const token = h.local.demoToken;
    const folder = await createFolder(h.client, token, h.local.demoRootFolderId, 'soak-ok');
    const r = new Recorder(codes);
    const done = await uploadDocument(h.client, token, {
      parentFolderId: folder,
      name: 'a.bin',
      body: 'alpha',
    });
    r.uploads.push(upload('a.bin', folder, 'alpha', { ...done }));
    const draft = await h.client.send(
      new InitiateDocumentVersionUploadCommand({
        AuthenticationToken: token,
        ParentFolderId: folder,
        Name: 'draft.bin',
        DocumentSizeInBytes: 5,
      }),
    );
    r.uploads.push(
      upload('draft.bin', folder, 'draft', {
        plan: 'abandonAfterInitiate',
        documentId: draft.Metadata?.Id,
        put: 'none',
        complete: 'none',
      }),
    );
    r.uploads.push(
      upload('aborted.bin', folder, 'gone', {
        plan: 'abortAfterPut',
        complete: 'none',
        abort: 'ok',
      }),
    );
    const figures = await verifyEndState(h.client, [folder], r, 1024);
    expect(Object.fromEntries(r.violations)).toEqual({
      crashes: { count: 0, samples: [] },
      unexplained5xx: { count: 0, samples: [] },
      untypedErrors: { count: 0, samples: [] },
      duplicates: { count: 0, samples: [] },
      integrity: { count: 0, samples: [] },
      leaks: { count: 0, samples: [] },
    });
    expect(figures).toEqual({
      documents: 2,
      active: 1,
      initialized: 1,
      downloadedAtEnd: 1,
      bytesDownloadedAtEnd: 5,
    });
  });

  it('find a document nobody asked for, wrong bytes, a lost upload and an aborted one still there', async () => {
    const token = h.local.demoToken;
    const folder = await createFolder(h.client, token, h.local.demoRootFolderId, 'soak-bad');
    const r = new Recorder(codes);
    await uploadDocument(h.client, token, { parentFolderId: folder, name: 'stray.bin', body: 'x' });
    const wrong = await uploadDocument(h.client, token, {
      parentFolderId: folder,
      name: 'wrong.bin',
      body: 'tampered',
    });
    r.uploads.push(upload('wrong.bin', folder, 'original', { ...wrong }));
    const kept = await uploadDocument(h.client, token, {
      parentFolderId: folder,
      name: 'kept.bin',
      body: 'kept',
    });
    r.uploads.push(
      upload('kept.bin', folder, 'kept', {
        ...kept,
        plan: 'abortAfterPut',
        complete: 'none',
        abort: 'ok',
      }),
    );
    r.uploads.push(upload('lost.bin', folder, 'lost', {}));
    await verifyEndState(h.client, [folder], r, 1024);
    expect(r.count('duplicates')).toBe(1);
    expect(r.violations.get('duplicates')?.samples[0]).toContain('stray.bin');
    const integrity = r.violations.get('integrity')?.samples ?? [];
    expect(integrity.filter((s) => s.includes('wrong.bin')).length).toBe(2); // SHA-256 (same size), download
    expect(integrity.filter((s) => s.includes('kept.bin'))).toEqual([
      'end: kept.bin is ACTIVE but its client never completed it (plan abortAfterPut, complete none)',
      'end: kept.bin was aborted (client told so) but still exists',
    ]);
    expect(integrity.filter((s) => s.includes('lost.bin'))).toEqual([
      'end: lost.bin was completed (client told ACTIVE) but is gone',
    ]);
    expect(r.count('integrity')).toBe(5);
  });
});

describe('soak error bookkeeping', () => {
  it('counts codes outside the documented ones as untyped and groups 5xx by the fault that explains them', () => {
    const r = new Recorder(codes);
    const e = (code: string | undefined, httpStatus: number) => ({
      code,
      httpStatus,
      retryable: true,
      message: 'm',
      channel: 'errors' as const,
    });
    // One slowed call that nulled two fields of one response is one response to explain.
    r.errors('list', 200, [e('UPSTREAM_TIMEOUT', 504), e('UPSTREAM_TIMEOUT', 504)]);
    r.errors('read', 200, [e('SERVICE_UNAVAILABLE', 503)]);
    r.errors('read', 200, [e('SOMETHING_NEW', 500)]);
    r.errors('read', 200, [e(undefined, 400)]);
    r.errors('list', 502, []);
    expect(r.count('untypedErrors')).toBe(2);
    expect(Object.fromEntries(r.fiveXxByCause)).toEqual({
      slowed: 1,
      exception: 1,
      'unexplained SOMETHING_NEW': 1,
      'unexplained HTTP 502': 1,
    });
  });
});
