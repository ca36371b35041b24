/**
 * DeleteFolderContents (and emptying the recycle bin with it) and CreateFolder without a Name,
 * through the official SDK.
 */
import {
  AddResourcePermissionsCommand,
  CreateFolderCommand,
  DeleteFolderContentsCommand,
  DescribeFolderContentsCommand,
  EntityNotExistsException,
  GetCurrentUserCommand,
  GetDocumentCommand,
  GetDocumentVersionCommand,
  GetFolderCommand,
  InitiateDocumentVersionUploadCommand,
  ProhibitedStateException,
  UnauthorizedOperationException,
  UpdateDocumentCommand,
  UpdateFolderCommand,
} from '@aws-sdk/client-workdocs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CreatedUser } from '../../src/workdocs-local/index.js';
import { createFolder, uploadDocument } from '../helpers/workdocs.js';
import { useHarness } from './helpers.js';

const h = useHarness();
let owner: CreatedUser;
let carol: CreatedUser;

beforeAll(async () => {
  owner = await h.local.createUserWithToken('contents-owner');
  carol = await h.local.createUserWithToken('contents-carol');
});

async function contents(folderId: string, token = owner.token) {
  const out = await h.client.send(
    new DescribeFolderContentsCommand({
      AuthenticationToken: token,
      FolderId: folderId,
      Include: 'INITIALIZED',
    }),
  );
  return [
    ...(out.Folders ?? []).map((f) => `folder:${f.Name ?? '(no name)'}`),
    ...(out.Documents ?? []).map((d) => `document:${d.LatestVersionMetadata?.Name ?? ''}`),
  ];
}

function deleteContents(folderId: string, token = owner.token) {
  return h.client.send(
    new DeleteFolderContentsCommand({ AuthenticationToken: token, FolderId: folderId }),
  );
}

async function storageUsed(): Promise<number | undefined> {
  const out = await h.client.send(new GetCurrentUserCommand({ AuthenticationToken: owner.token }));
  return out.User?.Storage?.StorageUtilizedInBytes;
}

function exists(documentId: string): Promise<boolean> {
  return h.client
    .send(new GetDocumentCommand({ AuthenticationToken: owner.token, DocumentId: documentId }))
    .then(
      () => true,
      (err: unknown) => {
        if (err instanceof EntityNotExistsException) return false;
        throw err;
      },
    );
}

describe('DeleteFolderContents', () => {
  it('deletes every subfolder, document and draft of the folder for good and keeps the folder', async () => {
    const usedBefore = await storageUsed();
    const folderId = await createFolder(h.client, owner.token, owner.rootFolderId, 'to-empty');
    const sub = await createFolder(h.client, owner.token, folderId, 'sub');
    const deep = await uploadDocument(h.client, owner.token, {
      parentFolderId: sub,
      name: 'deep.txt',
      body: 'deep down',
    });
    const top = await uploadDocument(h.client, owner.token, {
      parentFolderId: folderId,
      name: 'top.txt',
      body: 'on top',
    });
    await h.client.send(
      new InitiateDocumentVersionUploadCommand({
        AuthenticationToken: owner.token,
        ParentFolderId: folderId,
        Name: 'draft.txt',
      }),
    );
    const source = await h.client.send(
      new GetDocumentVersionCommand({
        AuthenticationToken: owner.token,
        DocumentId: top.documentId,
        VersionId: top.versionId,
        Fields: 'SOURCE',
      }),
    );
    const sibling = await uploadDocument(h.client, owner.token, {
      parentFolderId: owner.rootFolderId,
      name: 'sibling.txt',
      body: 'stays',
    });
    expect(await contents(folderId)).toEqual([
      'folder:sub',
      'document:draft.txt',
      'document:top.txt',
    ]);
    expect(await storageUsed()).toBe((usedBefore ?? 0) + 9 + 6 + 5);

    const out = await deleteContents(folderId);
    expect(out.$metadata.httpStatusCode).toBe(204);
    expect(await contents(folderId)).toEqual([]);
    const folder = await h.client.send(
      new GetFolderCommand({ AuthenticationToken: owner.token, FolderId: folderId }),
    );
    expect(folder.Metadata?.Name).toBe('to-empty');
    expect(await exists(deep.documentId)).toBe(false);
    expect(await exists(top.documentId)).toBe(false);
    expect(await exists(sibling.documentId)).toBe(true);
    await expect(
      h.client.send(new GetFolderCommand({ AuthenticationToken: owner.token, FolderId: sub })),
    ).rejects.toBeInstanceOf(EntityNotExistsException);
    // The bytes are gone: storage is back, the download URL finds nothing.
    expect(await storageUsed()).toBe((usedBefore ?? 0) + 5);
    const res = await fetch(source.Metadata?.Source?.ORIGINAL ?? '');
    expect(res.status).toBe(404);
    await res.body?.cancel();
    // Nothing left: nothing to do.
    await deleteContents(folderId);
  });

  it('on the recycle bin it deletes the recycled items for good; elsewhere recycled items stay restorable', async () => {
    const user = await h.local.createUserWithToken('contents-bin');
    const folderId = await createFolder(h.client, user.token, user.rootFolderId, 'with-bin');
    const recycled = await uploadDocument(h.client, user.token, {
      parentFolderId: folderId,
      name: 'recycled.txt',
      body: 'in the bin',
    });
    const recycledFolder = await createFolder(h.client, user.token, user.rootFolderId, 'old');
    const live = await uploadDocument(h.client, user.token, {
      parentFolderId: folderId,
      name: 'live.txt',
      body: 'live',
    });
    await h.client.send(
      new UpdateDocumentCommand({
        AuthenticationToken: user.token,
        DocumentId: recycled.documentId,
        ResourceState: 'RECYCLED',
      }),
    );
    await h.client.send(
      new UpdateFolderCommand({
        AuthenticationToken: user.token,
        FolderId: recycledFolder,
        ResourceState: 'RECYCLED',
      }),
    );
    // Emptying the folder deletes what it shows; the recycled document stays in the bin.
    await deleteContents(folderId, user.token);
    const get = (id: string) =>
      h.client.send(new GetDocumentCommand({ AuthenticationToken: user.token, DocumentId: id }));
    await expect(get(live.documentId)).rejects.toBeInstanceOf(EntityNotExistsException);
    expect((await get(recycled.documentId)).Metadata?.ResourceState).toBe('RECYCLED');

    const me = await h.client.send(new GetCurrentUserCommand({ AuthenticationToken: user.token }));
    await deleteContents(me.User?.RecycleBinFolderId ?? '', user.token);
    await expect(get(recycled.documentId)).rejects.toBeInstanceOf(EntityNotExistsException);
    await expect(
      h.client.send(
        new GetFolderCommand({ AuthenticationToken: user.token, FolderId: recycledFolder }),
      ),
    ).rejects.toBeInstanceOf(EntityNotExistsException);
    expect(me.User?.Storage?.StorageUtilizedInBytes).toBe(10);
    const after = await h.client.send(
      new GetCurrentUserCommand({ AuthenticationToken: user.token }),
    );
    expect(after.User?.Storage?.StorageUtilizedInBytes).toBe(0);
  });

  it('needs COOWNER or owner; an unknown folder is EntityNotExists; a recycled one ProhibitedState', async () => {
    const folderId = await createFolder(h.client, owner.token, owner.rootFolderId, 'guarded');
    await uploadDocument(h.client, owner.token, {
      parentFolderId: folderId,
      name: 'guarded.txt',
      body: 'g',
    });
    await h.client.send(
      new AddResourcePermissionsCommand({
        AuthenticationToken: owner.token,
        ResourceId: folderId,
        Principals: [{ Id: carol.userId, Type: 'USER', Role: 'CONTRIBUTOR' }],
      }),
    );
    await expect(deleteContents(folderId, carol.token)).rejects.toBeInstanceOf(
      UnauthorizedOperationException,
    );
    expect(await contents(folderId)).toEqual(['document:guarded.txt']);

    const missing = await deleteContents('no-such-folder').catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(EntityNotExistsException);
    expect((missing as EntityNotExistsException).EntityIds).toEqual(['no-such-folder']);

    await h.client.send(
      new UpdateFolderCommand({
        AuthenticationToken: owner.token,
        FolderId: folderId,
        ResourceState: 'RECYCLED',
      }),
    );
    await expect(deleteContents(folderId)).rejects.toBeInstanceOf(ProhibitedStateException);
  });
});

describe('CreateFolder without Name (optional in the model)', () => {
  it('creates a folder with no name; several may sit side by side', async () => {
    const parent = await createFolder(h.client, owner.token, owner.rootFolderId, 'nameless-parent');
    const first = await h.client.send(
      new CreateFolderCommand({ AuthenticationToken: owner.token, ParentFolderId: parent }),
    );
    expect(first.$metadata.httpStatusCode).toBe(201);
    expect(first.Metadata).toMatchObject({ ParentFolderId: parent, ResourceState: 'ACTIVE' });
    expect(first.Metadata?.Name).toBeUndefined();
    const second = await h.client.send(
      new CreateFolderCommand({ AuthenticationToken: owner.token, ParentFolderId: parent }),
    );
    expect(second.Metadata?.Id).not.toBe(first.Metadata?.Id);
    expect(await contents(parent)).toEqual(['folder:(no name)', 'folder:(no name)']);
    const got = await h.client.send(
      new GetFolderCommand({ AuthenticationToken: owner.token, FolderId: first.Metadata?.Id }),
    );
    expect(got.Metadata?.Name).toBeUndefined();
  });
});
