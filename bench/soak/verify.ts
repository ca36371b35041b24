/**
 * The end state, read from WorkDocs Local through the official SDK as its administrator, against
 * what every client asked for and was told: no document twice, none nobody asked for, nothing
 * acknowledged lost, every ACTIVE version's bytes the ones its client uploaded, abandoned drafts
 * INITIALIZED and never listed.
 */
import {
  DescribeFolderContentsCommand,
  GetDocumentVersionCommand,
  type DocumentMetadata,
  type WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import { download } from './client.js';
import type { Recorder, Upload } from './record.js';

async function listAll(
  client: WorkDocsClient,
  folderId: string,
  includeDrafts: boolean,
): Promise<DocumentMetadata[]> {
  const docs: DocumentMetadata[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(
      new DescribeFolderContentsCommand({
        FolderId: folderId,
        Type: 'DOCUMENT',
        Limit: 999,
        Marker: marker,
        ...(includeDrafts ? { Include: 'INITIALIZED' } : {}),
      }),
    );
    docs.push(...(page.Documents ?? []));
    marker = page.Marker;
  } while (marker !== undefined && marker !== '');
  return docs;
}

export interface VerifyFigures {
  documents: number;
  active: number;
  initialized: number;
  /** ACTIVE versions whose bytes were downloaded and hashed at the end. */
  downloadedAtEnd: number;
  bytesDownloadedAtEnd: number;
}

/** Checks the end state; violations go to the recorder. */
export async function verifyEndState(
  client: WorkDocsClient,
  folderIds: readonly string[],
  recorder: Recorder,
  downloadBudgetBytes: number,
): Promise<VerifyFigures> {
  const byName = new Map<string, Upload>();
  for (const u of recorder.uploads) byName.set(u.name, u);
  const figures: VerifyFigures = {
    documents: 0,
    active: 0,
    initialized: 0,
    downloadedAtEnd: 0,
    bytesDownloadedAtEnd: 0,
  };
  const found = new Map<string, DocumentMetadata[]>();
  for (const folderId of folderIds) {
    const all = await listAll(client, folderId, true);
    for (const doc of all) {
      const name = doc.LatestVersionMetadata?.Name ?? '';
      const list = found.get(name) ?? [];
      list.push(doc);
      found.set(name, list);
    }
    // The ordinary listing (what users see) holds ACTIVE documents only.
    for (const doc of await listAll(client, folderId, false)) {
      const v = doc.LatestVersionMetadata;
      if (v?.Status !== 'ACTIVE') {
        recorder.violation(
          'integrity',
          `end: ${String(v?.Name)} listed without a draft filter with status ${String(v?.Status)}`,
        );
      }
    }
  }
  const check = (ok: boolean, detail: string): void => {
    if (!ok) recorder.violation('integrity', `end: ${detail}`);
  };
  const toDownload: { doc: DocumentMetadata; upload: Upload }[] = [];
  for (const [name, docs] of found) {
    figures.documents += docs.length;
    const upload = byName.get(name);
    if (!upload) {
      recorder.violation(
        'duplicates',
        `end: ${docs.length} document(s) named ${name} that no client asked for`,
      );
      continue;
    }
    if (docs.length > 1) {
      recorder.violation('duplicates', `end: ${docs.length} documents for the one upload ${name}`);
    }
    for (const doc of docs) {
      const v = doc.LatestVersionMetadata;
      if (v?.Status === 'ACTIVE') figures.active += 1;
      else figures.initialized += 1;
      if (v?.Status === 'ACTIVE') {
        check(
          upload.complete === 'ok' || upload.complete === 'unknown',
          `${name} is ACTIVE but its client never completed it (plan ${upload.plan}, complete ${upload.complete})`,
        );
        check(
          v.Signature === upload.sha256,
          `${name} ACTIVE with SHA-256 ${String(v.Signature)}, uploaded ${upload.sha256}`,
        );
        check(
          Number(v.Size) === upload.size,
          `${name} ACTIVE with size ${String(v.Size)}, uploaded ${upload.size}`,
        );
        toDownload.push({ doc, upload });
      } else {
        check(v?.Status === 'INITIALIZED', `${name} has status ${String(v?.Status)}`);
        check(
          upload.complete !== 'ok',
          `${name} was completed (client told ACTIVE) but is ${String(v?.Status)}`,
        );
      }
      check(upload.abort !== 'ok', `${name} was aborted (client told so) but still exists`);
      if (upload.documentId !== undefined) {
        check(
          doc.Id === upload.documentId,
          `${name} has id ${String(doc.Id)}, its client got ${upload.documentId}`,
        );
      }
    }
  }
  // Nothing acknowledged is lost.
  for (const u of recorder.uploads) {
    if (found.has(u.name)) continue;
    if (u.complete === 'ok') {
      check(false, `${u.name} was completed (client told ACTIVE) but is gone`);
    } else if (u.initiate === 'ok' && u.complete !== 'unknown') {
      check(
        u.abort === 'ok' || u.abort === 'unknown',
        `${u.name} was initiated (plan ${u.plan}) and never aborted, but is gone`,
      );
    }
    check(!u.initiateLandedUnseen, `${u.name}: a repeated initiate found it, but it is gone`);
  }
  // Download and hash the ACTIVE versions, newest uploads first, within the byte budget.
  let budget = downloadBudgetBytes;
  for (const { doc, upload } of toDownload) {
    if (budget < upload.size) continue;
    const v = await client.send(
      new GetDocumentVersionCommand({
        DocumentId: doc.Id,
        VersionId: doc.LatestVersionMetadata?.Id,
        Fields: 'SOURCE',
      }),
    );
    const url = v.Metadata?.Source?.ORIGINAL;
    if (url === undefined) {
      check(false, `${upload.name}: no download URL`);
      continue;
    }
    const got = await download(url, AbortSignal.timeout(60_000));
    check(
      got.status === 200 && got.sha256 === upload.sha256,
      `${upload.name}: downloaded ${String(got.status)} ${String(got.size)} bytes whose SHA-256 ${got.sha256 === upload.sha256 ? 'matches' : 'differs'}`,
    );
    budget -= upload.size;
    figures.downloadedAtEnd += 1;
    figures.bytesDownloadedAtEnd += got.size ?? 0;
  }
  return figures;
}
