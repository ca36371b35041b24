import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  ConflictingOperationException,
  DeleteDocumentCommand,
  DeleteFolderCommand,
  DescribeFolderContentsCommand,
  EntityAlreadyExistsException,
  EntityNotExistsException,
  GetDocumentCommand,
  GetDocumentPathCommand,
  GetFolderCommand,
  GetFolderPathCommand,
  InitiateDocumentVersionUploadCommand,
  InvalidArgumentException,
  ProhibitedStateException,
  UnauthorizedOperationException,
  UpdateDocumentCommand,
  UpdateFolderCommand,
} from '@aws-sdk/client-workdocs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activateVersion,
  createFolder,
  putToUploadUrl,
  uploadDocument,
} from '../helpers/workdocs.js';
import { useHarness } from './helpers.js';

const h = useHarness();
let token: string;
let root: string;

beforeAll(() => {
  token = h.local.demoToken;
  root = h.local.demoRootFolderId;
});

function folder(name: string, parent = root): Promise<string> {
  return createFolder(h.client, token, parent, name);
}

async function doc(name: string, parent: string, content = 'data'): Promise<string> {
  const { documentId } = await uploadDocument(h.client, token, {
    parentFolderId: parent,
    name,
    body: content,
    contentType: 'text/plain',
    declareSize: false,
  });
  return documentId;
}

async function contents(folderId: string) {
  const r = await h.client.send(
    new DescribeFolderContentsCommand({ AuthenticationToken: token, FolderId: folderId }),
  );
  return {
    folders: r.Folders!.map((f) => f.Name),
    documents: r.Documents!.map((d) => d.LatestVersionMetadata!.Name),
  };
}

describe('UpdateFolder / UpdateDocument', () => {
  it('rename and move folders and documents; name clashes and cycles are refused', async () => {
    const a = await folder('A');
    const b = await folder('B');
    const sub = await folder('sub', a);
    const d = await doc('report.txt', a);

    await h.client.send(
      new UpdateFolderCommand({ AuthenticationToken: token, FolderId: a, Name: 'A2' }),
    );
    expect(
      (await h.client.send(new GetFolderCommand({ AuthenticationToken: token, FolderId: a })))
        .Metadata!.Name,
    ).toBe('A2');
    await expect(
      h.client.send(
        new UpdateFolderCommand({ AuthenticationToken: token, FolderId: a, Name: 'B' }),
      ),
    ).rejects.toBeInstanceOf(EntityAlreadyExistsException);
    await expect(
      h.client.send(
        new UpdateFolderCommand({ AuthenticationToken: token, FolderId: a, ParentFolderId: sub }),
      ),
    ).rejects.toBeInstanceOf(ConflictingOperationException);
    await expect(
      h.client.send(
        new UpdateFolderCommand({ AuthenticationToken: token, FolderId: root, Name: 'x' }),
      ),
    ).rejects.toBeInstanceOf(ProhibitedStateException);

    await h.client.send(
      new UpdateFolderCommand({ AuthenticationToken: token, FolderId: sub, ParentFolderId: b }),
    );
    expect((await contents(b)).folders).toEqual(['sub']);

    await h.client.send(
      new UpdateDocumentCommand({
        AuthenticationToken: token,
        DocumentId: d,
        Name: 'final.txt',
        ParentFolderId: b,
      }),
    );
    const got = await h.client.send(
      new GetDocumentCommand({ AuthenticationToken: token, DocumentId: d }),
    );
    expect(got.Metadata!.ParentFolderId).toBe(b);
    expect(got.Metadata!.LatestVersionMetadata!.Name).toBe('final.txt');
    expect((await contents(b)).documents).toEqual(['final.txt']);
    expect((await contents(a)).documents).toEqual([]);

    await doc('other.txt', b);
    await expect(
      h.client.send(
        new UpdateDocumentCommand({ AuthenticationToken: token, DocumentId: d, Name: 'other.txt' }),
      ),
    ).rejects.toBeInstanceOf(EntityAlreadyExistsException);
    await expect(
      h.client.send(
        new UpdateDocumentCommand({
          AuthenticationToken: token,
          DocumentId: d,
          ResourceState: 'RESTORING',
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidArgumentException);
  });

  it('activating a new version whose name another document took meanwhile is EntityAlreadyExists', async () => {
    const f = await folder('clash');
    const a = await doc('a.txt', f);
    // A new version of a.txt that renames it to b.txt; b.txt is still free when it is initiated.
    const init = await h.client.send(
      new InitiateDocumentVersionUploadCommand({
        AuthenticationToken: token,
        Id: a,
        Name: 'b.txt',
        ContentType: 'text/plain',
        DocumentSizeInBytes: 1,
      }),
    );
    const put = await putToUploadUrl(
      init.UploadMetadata!.UploadUrl!,
      init.UploadMetadata!.SignedHeaders!,
      'x',
    );
    expect(put.status).toBe(200);
    await doc('b.txt', f);
    await expect(
      activateVersion(h.client, token, a, init.Metadata!.LatestVersionMetadata!.Id!),
    ).rejects.toBeInstanceOf(EntityAlreadyExistsException);
    expect((await contents(f)).documents).toEqual(['a.txt', 'b.txt']);
  });

  it('a RECYCLED folder refuses new documents and folders until restored', async () => {
    const bin = await folder('to-recycle');
    await h.client.send(
      new UpdateFolderCommand({
        AuthenticationToken: token,
        FolderId: bin,
        ResourceState: 'RECYCLED',
      }),
    );
    expect((await contents(root)).folders).not.toContain('to-recycle');
    await expect(doc('x.txt', bin)).rejects.toBeInstanceOf(ProhibitedStateException);
    await expect(folder('child', bin)).rejects.toBeInstanceOf(ProhibitedStateException);
    await expect(
      h.client.send(
        new UpdateFolderCommand({ AuthenticationToken: token, FolderId: bin, Name: 'renamed' }),
      ),
    ).rejects.toBeInstanceOf(ProhibitedStateException);
    await h.client.send(
      new UpdateFolderCommand({
        AuthenticationToken: token,
        FolderId: bin,
        ResourceState: 'ACTIVE',
      }),
    );
    await doc('x.txt', bin);
    expect((await contents(root)).folders).toContain('to-recycle');
  });

  it("moving into another user's folder is UnauthorizedOperation", async () => {
    const other = await h.local.createUserWithToken('other-owner');
    const f = await folder('mine');
    await expect(
      h.client.send(new UpdateFolderCommand({ FolderId: f, ParentFolderId: other.rootFolderId })),
    ).rejects.toBeInstanceOf(UnauthorizedOperationException);
  });
});

describe('DeleteFolder / DeleteDocument', () => {
  it('delete a document permanently, bytes included (204)', async () => {
    const f = await folder('deletions');
    const d = await doc('gone.txt', f);
    const blobsBefore = (await readdir(path.join(h.dataDir, 'blobs'))).length;
    const r = await h.client.send(
      new DeleteDocumentCommand({ AuthenticationToken: token, DocumentId: d }),
    );
    expect(r.$metadata.httpStatusCode).toBe(204);
    expect((await readdir(path.join(h.dataDir, 'blobs'))).length).toBe(blobsBefore - 1);
    const err: unknown = await h.client
      .send(new GetDocumentCommand({ AuthenticationToken: token, DocumentId: d }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EntityNotExistsException);
    expect((err as EntityNotExistsException).EntityIds).toEqual([d]);
  });

  it('delete a folder and everything below it; the root folder cannot be deleted', async () => {
    const top = await folder('tree');
    const mid = await folder('mid', top);
    const d1 = await doc('one.txt', top);
    const d2 = await doc('two.txt', mid);
    const blobsBefore = (await readdir(path.join(h.dataDir, 'blobs'))).length;
    const r = await h.client.send(
      new DeleteFolderCommand({ AuthenticationToken: token, FolderId: top }),
    );
    expect(r.$metadata.httpStatusCode).toBe(204);
    expect((await readdir(path.join(h.dataDir, 'blobs'))).length).toBe(blobsBefore - 2);
    for (const id of [d1, d2]) {
      await expect(
        h.client.send(new GetDocumentCommand({ AuthenticationToken: token, DocumentId: id })),
      ).rejects.toBeInstanceOf(EntityNotExistsException);
    }
    await expect(
      h.client.send(new GetFolderCommand({ AuthenticationToken: token, FolderId: mid })),
    ).rejects.toBeInstanceOf(EntityNotExistsException);
    await expect(
      h.client.send(new DeleteFolderCommand({ AuthenticationToken: token, FolderId: root })),
    ).rejects.toBeInstanceOf(ProhibitedStateException);
  });
});

describe('GetFolderPath / GetDocumentPath', () => {
  it('return the hierarchy from the root, names on request, limited upwards', async () => {
    const a = await folder('path-a');
    const b = await folder('path-b', a);
    const d = await doc('leaf.txt', b);
    const docPath = await h.client.send(
      new GetDocumentPathCommand({ AuthenticationToken: token, DocumentId: d, Fields: 'NAME' }),
    );
    expect(docPath.Path!.Components).toEqual([
      { Id: root },
      { Id: a, Name: 'path-a' },
      { Id: b, Name: 'path-b' },
      { Id: d, Name: 'leaf.txt' },
    ]);
    const folderPath = await h.client.send(
      new GetFolderPathCommand({ AuthenticationToken: token, FolderId: b }),
    );
    expect(folderPath.Path!.Components).toEqual([{ Id: root }, { Id: a }, { Id: b }]);
    const limited = await h.client.send(
      new GetFolderPathCommand({ AuthenticationToken: token, FolderId: b, Limit: 2 }),
    );
    expect(limited.Path!.Components!.map((c) => c.Id)).toEqual([a, b]);
  });
});
