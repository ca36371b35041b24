/**
 * DescribeFolderContents pages by key: a marker names the last item returned, so items inserted
 * or deleted while a client pages shift nothing — every item present throughout is listed exactly
 * once, none twice.
 */
import { randomBytes } from 'node:crypto';
import {
  AbortDocumentVersionUploadCommand,
  DeleteDocumentCommand,
  DeleteDocumentVersionCommand,
  DeleteFolderCommand,
  DescribeFolderContentsCommand,
  InitiateDocumentVersionUploadCommand,
  InvalidArgumentException,
  RestoreDocumentVersionsCommand,
  UpdateDocumentCommand,
  UpdateFolderCommand,
} from '@aws-sdk/client-workdocs';
import type { DescribeFolderContentsCommandInput } from '@aws-sdk/client-workdocs';
import { describe, expect, it } from 'vitest';
import {
  activateVersion,
  createFolder,
  putToUploadUrl,
  uploadDocument,
} from '../helpers/workdocs.js';
import { useHarness } from './helpers.js';

const h = useHarness();

const name = (): string => randomBytes(6).toString('hex');

async function inBatches<T>(count: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += 25) {
    out.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(25, count - i) }, (_, j) => make(i + j)),
      )),
    );
  }
  return out;
}

/** Every page of a listing, followed by its markers: the ids of its folders and documents. */
async function listAll(
  input: DescribeFolderContentsCommandInput,
): Promise<{ folders: string[]; documents: string[] }> {
  const folders: string[] = [];
  const documents: string[] = [];
  let marker: string | undefined;
  do {
    const out = await h.client.send(
      new DescribeFolderContentsCommand({ ...input, Marker: marker }),
    );
    folders.push(...(out.Folders ?? []).map((f) => f.Id!));
    documents.push(...(out.Documents ?? []).map((d) => d.Id!));
    marker = out.Marker;
  } while (marker !== undefined);
  return { folders, documents };
}

describe('DescribeFolderContents paging', () => {
  it('lists each of 1,000 items present throughout exactly once while items are inserted and deleted between pages', async () => {
    const token = h.local.demoToken;
    const parent = await createFolder(h.client, token, h.local.demoRootFolderId, `big-${name()}`);
    const newFolder = async (): Promise<string> => createFolder(h.client, token, parent, name());
    const newDocument = async (): Promise<string> => {
      const out = await h.client.send(
        new InitiateDocumentVersionUploadCommand({
          AuthenticationToken: token,
          ParentFolderId: parent,
          Name: name(),
          ContentType: 'text/plain',
        }),
      );
      return out.Metadata!.Id!;
    };
    const folders = await inBatches(600, newFolder);
    const documents = await inBatches(400, newDocument);
    const kind = new Map<string, 'folder' | 'document'>([
      ...folders.map((id) => [id, 'folder'] as const),
      ...documents.map((id) => [id, 'document'] as const),
    ]);
    const throughout = new Set(kind.keys());
    const seen = new Map<string, number>();
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await h.client.send(
        new DescribeFolderContentsCommand({
          AuthenticationToken: token,
          FolderId: parent,
          Include: 'INITIALIZED',
          Limit: 37,
          Marker: marker,
        }),
      );
      for (const item of [...(out.Folders ?? []), ...(out.Documents ?? [])]) {
        seen.set(item.Id!, (seen.get(item.Id!) ?? 0) + 1);
      }
      marker = out.Marker;
      pages++;
      // Between pages: two new items (names sort anywhere) and two deletions of original items,
      // seen or not yet seen.
      kind.set(await newFolder(), 'folder');
      kind.set(await newDocument(), 'document');
      for (const id of [...throughout].sort(() => Math.random() - 0.5).slice(0, 2)) {
        throughout.delete(id);
        if (kind.get(id) === 'folder') {
          await h.client.send(
            new DeleteFolderCommand({ AuthenticationToken: token, FolderId: id }),
          );
        } else {
          await h.client.send(
            new DeleteDocumentCommand({ AuthenticationToken: token, DocumentId: id }),
          );
        }
      }
    } while (marker !== undefined && pages < 200);
    expect(marker).toBeUndefined();
    expect(throughout.size).toBeGreaterThan(900);
    for (const id of throughout) expect(seen.get(id), id).toBe(1);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });

  it('pages in every order without gaps or repeats', async () => {
    const token = h.local.demoToken;
    const parent = await createFolder(h.client, token, h.local.demoRootFolderId, `order-${name()}`);
    await inBatches(30, () => createFolder(h.client, token, parent, name()));
    for (const Sort of ['NAME', 'DATE'] as const) {
      for (const Order of ['ASCENDING', 'DESCENDING'] as const) {
        const all = async (input: Partial<DescribeFolderContentsCommandInput>) =>
          (await listAll({ AuthenticationToken: token, FolderId: parent, Sort, Order, ...input }))
            .folders;
        const oneGo = await all({ Limit: 999 });
        expect(oneGo).toHaveLength(30);
        expect(await all({ Limit: 7 })).toEqual(oneGo);
      }
    }
  });

  it('refuses a marker it did not issue, or one of another order, as InvalidArgumentException', async () => {
    const token = h.local.demoToken;
    const parent = await createFolder(h.client, token, h.local.demoRootFolderId, `m-${name()}`);
    await inBatches(3, () => createFolder(h.client, token, parent, name()));
    const first = await h.client.send(
      new DescribeFolderContentsCommand({ AuthenticationToken: token, FolderId: parent, Limit: 1 }),
    );
    expect(first.Marker).toBeDefined();
    const list = (Marker: string, extra: Partial<DescribeFolderContentsCommandInput> = {}) =>
      h.client.send(
        new DescribeFolderContentsCommand({
          AuthenticationToken: token,
          FolderId: parent,
          Marker,
          ...extra,
        }),
      );
    await expect(list(first.Marker!, { Sort: 'DATE' })).rejects.toBeInstanceOf(
      InvalidArgumentException,
    );
    const forged = Buffer.from(JSON.stringify({ k: 'x', v: 1, i: 'a', s: 'NAME', r: false }));
    await expect(list(forged.toString('base64url'))).rejects.toBeInstanceOf(
      InvalidArgumentException,
    );
    await expect(list('not-a-marker')).rejects.toBeInstanceOf(InvalidArgumentException);
  });

  it('lists a document once a version is ACTIVE and never a draft, through every change of its versions and state, in every order', async () => {
    const token = h.local.demoToken;
    const parent = await createFolder(h.client, token, h.local.demoRootFolderId, `life-${name()}`);
    const initiate = async (Name: string, Id?: string) => {
      const out = await h.client.send(
        new InitiateDocumentVersionUploadCommand({
          AuthenticationToken: token,
          ParentFolderId: Id === undefined ? parent : undefined,
          Id,
          Name: Id === undefined ? Name : undefined,
          ContentType: 'text/plain',
        }),
      );
      return {
        id: out.Metadata!.Id!,
        versionId: out.Metadata!.LatestVersionMetadata!.Id!,
        url: out.UploadMetadata!.UploadUrl!,
        headers: out.UploadMetadata!.SignedHeaders!,
      };
    };
    const upload = (n: string) =>
      uploadDocument(h.client, token, { parentFolderId: parent, name: n, body: n });
    const ids = new Map<string, string>();
    // Drafts: initiated only, or with their bytes uploaded but never activated.
    for (const n of ['b-draft', 'd-draft', 'f-draft']) ids.set(n, (await initiate(n)).id);
    const uploaded = await initiate('h-uploaded-draft');
    expect((await putToUploadUrl(uploaded.url, uploaded.headers, 'x')).status).toBe(200);
    ids.set('h-uploaded-draft', uploaded.id);
    // Documents with an ACTIVE version.
    for (const n of ['a-active', 'c-active', 'e-active']) ids.set(n, (await upload(n)).documentId);
    // ACTIVE, then a new version initiated (still listed), or initiated and aborted.
    const pending = await upload('g-new-version-pending');
    ids.set('g-new-version-pending', pending.documentId);
    await initiate('', pending.documentId);
    const aborted = await upload('i-new-version-aborted');
    ids.set('i-new-version-aborted', aborted.documentId);
    const abort = await initiate('', aborted.documentId);
    await h.client.send(
      new AbortDocumentVersionUploadCommand({
        AuthenticationToken: token,
        DocumentId: aborted.documentId,
        VersionId: abort.versionId,
      }),
    );
    // Two ACTIVE versions: the newest deleted, then restored.
    const twice = await upload('j-version-deleted-restored');
    ids.set('j-version-deleted-restored', twice.documentId);
    const second = await uploadDocument(h.client, token, {
      documentId: twice.documentId,
      body: 'second',
    });
    await h.client.send(
      new DeleteDocumentVersionCommand({
        AuthenticationToken: token,
        DocumentId: twice.documentId,
        VersionId: second.versionId,
        DeletePriorVersions: false,
      }),
    );
    await h.client.send(
      new RestoreDocumentVersionsCommand({
        AuthenticationToken: token,
        DocumentId: twice.documentId,
      }),
    );
    // Recycled (never listed), and recycled then restored (listed again); a recycled draft
    // restored stays a draft; an aborted draft is gone.
    const setState = (DocumentId: string, ResourceState: 'ACTIVE' | 'RECYCLED') =>
      h.client.send(
        new UpdateDocumentCommand({ AuthenticationToken: token, DocumentId, ResourceState }),
      );
    const recycled = (await upload('k-recycled')).documentId;
    await setState(recycled, 'RECYCLED');
    const restored = (await upload('l-restored')).documentId;
    ids.set('l-restored', restored);
    await setState(restored, 'RECYCLED');
    await setState(restored, 'ACTIVE');
    const recycledDraft = (await initiate('m-recycled-draft')).id;
    await setState(recycledDraft, 'RECYCLED');
    const restoredDraft = await initiate('n-restored-draft');
    ids.set('n-restored-draft', restoredDraft.id);
    await setState(restoredDraft.id, 'RECYCLED');
    await setState(restoredDraft.id, 'ACTIVE');
    const gone = await initiate('o-aborted-draft');
    await h.client.send(
      new AbortDocumentVersionUploadCommand({
        AuthenticationToken: token,
        DocumentId: gone.id,
        VersionId: gone.versionId,
      }),
    );
    // Folders: one recycled, one recycled and restored.
    const setFolderState = (FolderId: string, ResourceState: 'ACTIVE' | 'RECYCLED') =>
      h.client.send(
        new UpdateFolderCommand({ AuthenticationToken: token, FolderId, ResourceState }),
      );
    const binnedFolder = await createFolder(h.client, token, parent, 'folder-recycled');
    await setFolderState(binnedFolder, 'RECYCLED');
    const backFolder = await createFolder(h.client, token, parent, 'folder-restored');
    await setFolderState(backFolder, 'RECYCLED');
    await setFolderState(backFolder, 'ACTIVE');
    const liveFolder = await createFolder(h.client, token, parent, 'folder-live');

    const listed = [
      'a-active',
      'c-active',
      'e-active',
      'g-new-version-pending',
      'i-new-version-aborted',
      'j-version-deleted-restored',
      'l-restored',
    ];
    const drafts = ['b-draft', 'd-draft', 'f-draft', 'h-uploaded-draft', 'n-restored-draft'];
    for (const include of [undefined, 'INITIALIZED'] as const) {
      const names = (include === undefined ? listed : [...listed, ...drafts]).sort();
      for (const Sort of ['NAME', 'DATE'] as const) {
        for (const Order of ['ASCENDING', 'DESCENDING'] as const) {
          const all = (Limit: number) =>
            listAll({
              AuthenticationToken: token,
              FolderId: parent,
              Include: include,
              Sort,
              Order,
              Limit,
            });
          const oneGo = await all(999);
          const where = `${include ?? 'ACTIVE'} ${Sort} ${Order}`;
          expect(await all(2), where).toEqual(oneGo);
          expect(new Set(oneGo.folders), where).toEqual(new Set([backFolder, liveFolder]));
          expect(new Set(oneGo.documents), where).toEqual(new Set(names.map((n) => ids.get(n))));
          if (Sort === 'NAME') {
            const ordered = Order === 'ASCENDING' ? names : [...names].reverse();
            expect(oneGo.documents, where).toEqual(ordered.map((n) => ids.get(n)));
            const folderOrder = [liveFolder, backFolder];
            expect(oneGo.folders, where).toEqual(
              Order === 'ASCENDING' ? folderOrder : folderOrder.reverse(),
            );
          }
        }
      }
    }
    // Activating a draft lists it at once.
    const late = await initiate('p-activated-late');
    await putToUploadUrl(late.url, late.headers, 'late');
    const before = await h.client.send(
      new DescribeFolderContentsCommand({
        AuthenticationToken: token,
        FolderId: parent,
        Type: 'DOCUMENT',
      }),
    );
    expect((before.Documents ?? []).map((d) => d.Id)).not.toContain(late.id);
    await activateVersion(h.client, token, late.id, late.versionId);
    const after = await h.client.send(
      new DescribeFolderContentsCommand({
        AuthenticationToken: token,
        FolderId: parent,
        Type: 'DOCUMENT',
      }),
    );
    expect((after.Documents ?? []).map((d) => d.Id)).toEqual(
      [...listed, 'p-activated-late']
        .sort()
        .map((n) => (n === 'p-activated-late' ? late.id : ids.get(n))),
    );
  });
});
