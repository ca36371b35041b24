/**
 * DeleteDocumentVersion and RestoreDocumentVersions through the official SDK: a deleted version
 * leaves every listing and read, its bytes stay (and count) until RestoreDocumentVersions brings it
 * back; the document keeps a version and its name.
 */
import {
  DeleteDocumentVersionCommand,
  DescribeDocumentVersionsCommand,
  EntityNotExistsException,
  GetCurrentUserCommand,
  GetDocumentCommand,
  GetDocumentVersionCommand,
  InitiateDocumentVersionUploadCommand,
  InvalidOperationException,
  ProhibitedStateException,
  RestoreDocumentVersionsCommand,
  UnauthorizedOperationException,
  UpdateDocumentCommand,
  AddResourcePermissionsCommand,
} from '@aws-sdk/client-workdocs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CreatedUser } from '../../src/workdocs-local/index.js';
import { createFolder, uploadDocument } from '../helpers/workdocs.js';
import { useHarness } from './helpers.js';

const h = useHarness();
let owner: CreatedUser;
let carol: CreatedUser;
let counter = 0;

beforeAll(async () => {
  owner = await h.local.createUserWithToken('version-owner');
  carol = await h.local.createUserWithToken('version-carol');
});

/** A document with one ACTIVE version per body, oldest first; returns the ids. */
async function documentWithVersions(bodies: string[]) {
  const name = `versions-${++counter}.txt`;
  const first = await uploadDocument(h.client, owner.token, {
    parentFolderId: owner.rootFolderId,
    name,
    body: bodies[0] ?? '',
    contentType: 'text/plain',
  });
  const versionIds = [first.versionId];
  for (const body of bodies.slice(1)) {
    const next = await uploadDocument(h.client, owner.token, {
      documentId: first.documentId,
      body,
      contentType: 'text/plain',
    });
    versionIds.push(next.versionId);
  }
  return { documentId: first.documentId, versionIds, name };
}

async function listedVersions(documentId: string): Promise<string[]> {
  const out = await h.client.send(
    new DescribeDocumentVersionsCommand({
      AuthenticationToken: owner.token,
      DocumentId: documentId,
    }),
  );
  return (out.DocumentVersions ?? []).map((v) => v.Id ?? '');
}

async function latest(documentId: string) {
  const out = await h.client.send(
    new GetDocumentCommand({ AuthenticationToken: owner.token, DocumentId: documentId }),
  );
  return out.Metadata?.LatestVersionMetadata;
}

function deleteVersion(documentId: string, versionId: string, prior = false, token = owner.token) {
  return h.client.send(
    new DeleteDocumentVersionCommand({
      AuthenticationToken: token,
      DocumentId: documentId,
      VersionId: versionId,
      DeletePriorVersions: prior,
    }),
  );
}

function restore(documentId: string, token = owner.token) {
  return h.client.send(
    new RestoreDocumentVersionsCommand({ AuthenticationToken: token, DocumentId: documentId }),
  );
}

async function storageUsed(): Promise<number | undefined> {
  const out = await h.client.send(new GetCurrentUserCommand({ AuthenticationToken: owner.token }));
  return out.User?.Storage?.StorageUtilizedInBytes;
}

describe('DeleteDocumentVersion', () => {
  it('deletes one version: it leaves the listing and reads; the latest falls back and keeps the name', async () => {
    const { documentId, versionIds, name } = await documentWithVersions(['one', 'two!', 'three']);
    const [v1, v2, v3] = versionIds as [string, string, string];
    const usedBefore = await storageUsed();

    const out = await deleteVersion(documentId, v2);
    expect(out.$metadata.httpStatusCode).toBe(204);
    expect(await listedVersions(documentId)).toEqual([v3, v1]);
    await expect(
      h.client.send(
        new GetDocumentVersionCommand({
          AuthenticationToken: owner.token,
          DocumentId: documentId,
          VersionId: v2,
        }),
      ),
    ).rejects.toBeInstanceOf(EntityNotExistsException);

    // The latest version goes: the one before it is the latest, under the document's name.
    await h.client.send(
      new UpdateDocumentCommand({
        AuthenticationToken: owner.token,
        DocumentId: documentId,
        Name: `renamed-${name}`,
      }),
    );
    await deleteVersion(documentId, v3);
    expect(await listedVersions(documentId)).toEqual([v1]);
    expect(await latest(documentId)).toMatchObject({
      Id: v1,
      Size: 3,
      Name: `renamed-${name}`,
      Status: 'ACTIVE',
    });
    // The bytes stay (for RestoreDocumentVersions) and still count.
    expect(await storageUsed()).toBe(usedBefore);
  });

  it('the only version of a document is InvalidOperationException (405); a draft is ProhibitedState', async () => {
    const { documentId, versionIds } = await documentWithVersions(['only']);
    const e = await deleteVersion(documentId, versionIds[0] ?? '').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(InvalidOperationException);
    expect((e as InvalidOperationException).$metadata.httpStatusCode).toBe(405);
    expect(await listedVersions(documentId)).toEqual(versionIds);

    const draft = await h.client.send(
      new InitiateDocumentVersionUploadCommand({
        AuthenticationToken: owner.token,
        Id: documentId,
        ContentType: 'text/plain',
      }),
    );
    await expect(
      deleteVersion(documentId, draft.Metadata?.LatestVersionMetadata?.Id ?? ''),
    ).rejects.toBeInstanceOf(ProhibitedStateException);
  });

  it('DeletePriorVersions deletes every version before the given one and keeps it', async () => {
    const { documentId, versionIds } = await documentWithVersions(['a', 'bb', 'ccc', 'dddd']);
    const [v1, v2, v3, v4] = versionIds as [string, string, string, string];
    await deleteVersion(documentId, v3, true);
    expect(await listedVersions(documentId)).toEqual([v4, v3]);
    await deleteVersion(documentId, v4, true);
    expect(await listedVersions(documentId)).toEqual([v4]);
    // Nothing older left: nothing to do.
    await deleteVersion(documentId, v4, true);
    expect(await listedVersions(documentId)).toEqual([v4]);
    for (const gone of [v1, v2, v3]) {
      await expect(
        h.client.send(
          new GetDocumentVersionCommand({
            AuthenticationToken: owner.token,
            DocumentId: documentId,
            VersionId: gone,
          }),
        ),
      ).rejects.toBeInstanceOf(EntityNotExistsException);
    }
  });

  it('unknown document or version → EntityNotExists; a VIEWER or CONTRIBUTOR may not delete', async () => {
    const { documentId, versionIds } = await documentWithVersions(['x', 'y']);
    const missingDoc = await deleteVersion('no-such-document', versionIds[0] ?? '').catch(
      (err: unknown) => err,
    );
    expect(missingDoc).toBeInstanceOf(EntityNotExistsException);
    expect((missingDoc as EntityNotExistsException).EntityIds).toEqual(['no-such-document']);
    await expect(deleteVersion(documentId, 'no-such-version')).rejects.toBeInstanceOf(
      EntityNotExistsException,
    );

    await h.client.send(
      new AddResourcePermissionsCommand({
        AuthenticationToken: owner.token,
        ResourceId: documentId,
        Principals: [{ Id: carol.userId, Type: 'USER', Role: 'CONTRIBUTOR' }],
      }),
    );
    await expect(
      deleteVersion(documentId, versionIds[0] ?? '', false, carol.token),
    ).rejects.toBeInstanceOf(UnauthorizedOperationException);
    expect(await listedVersions(documentId)).toEqual([...versionIds].reverse());
  });

  it('a recycled document is ProhibitedState', async () => {
    const { documentId, versionIds } = await documentWithVersions(['p', 'q']);
    await h.client.send(
      new UpdateDocumentCommand({
        AuthenticationToken: owner.token,
        DocumentId: documentId,
        ResourceState: 'RECYCLED',
      }),
    );
    await expect(deleteVersion(documentId, versionIds[0] ?? '')).rejects.toBeInstanceOf(
      ProhibitedStateException,
    );
    await expect(restore(documentId)).rejects.toBeInstanceOf(ProhibitedStateException);
  });
});

describe('RestoreDocumentVersions', () => {
  it('brings back every deleted version with its bytes; the latest is the newest again', async () => {
    const { documentId, versionIds, name } = await documentWithVersions(['v1', 'v2v2', 'v3v3v3']);
    const [v1, v2, v3] = versionIds as [string, string, string];
    await deleteVersion(documentId, v3);
    await deleteVersion(documentId, v2, false);
    expect(await listedVersions(documentId)).toEqual([v1]);

    const out = await restore(documentId);
    expect(out.$metadata.httpStatusCode).toBe(204);
    expect(await listedVersions(documentId)).toEqual([v3, v2, v1]);
    expect(await latest(documentId)).toMatchObject({ Id: v3, Size: 6, Name: name });

    // The restored version's bytes download intact.
    const source = await h.client.send(
      new GetDocumentVersionCommand({
        AuthenticationToken: owner.token,
        DocumentId: documentId,
        VersionId: v2,
        Fields: 'SOURCE',
      }),
    );
    const res = await fetch(source.Metadata?.Source?.ORIGINAL ?? '');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('v2v2');

    // Nothing deleted: nothing to do.
    await restore(documentId);
    expect(await listedVersions(documentId)).toEqual([v3, v2, v1]);
  });

  it('a download URL issued before a version was deleted no longer serves it', async () => {
    const { documentId, versionIds } = await documentWithVersions(['old bytes', 'new bytes']);
    const source = await h.client.send(
      new GetDocumentVersionCommand({
        AuthenticationToken: owner.token,
        DocumentId: documentId,
        VersionId: versionIds[0],
        Fields: 'SOURCE',
      }),
    );
    await deleteVersion(documentId, versionIds[0] ?? '');
    const res = await fetch(source.Metadata?.Source?.ORIGINAL ?? '');
    expect(res.status).toBe(404);
    await res.body?.cancel();
  });

  it('unknown document → EntityNotExists; a VIEWER may not restore, a CONTRIBUTOR may', async () => {
    await expect(restore('no-such-document')).rejects.toBeInstanceOf(EntityNotExistsException);
    const folderId = await createFolder(h.client, owner.token, owner.rootFolderId, 'restore-share');
    const { documentId } = await uploadDocument(h.client, owner.token, {
      parentFolderId: folderId,
      name: 'shared.txt',
      body: 'one',
    });
    const second = await uploadDocument(h.client, owner.token, { documentId, body: 'two' });
    await deleteVersion(documentId, second.versionId);
    const share = (role: 'VIEWER' | 'CONTRIBUTOR') =>
      h.client.send(
        new AddResourcePermissionsCommand({
          AuthenticationToken: owner.token,
          ResourceId: folderId,
          Principals: [{ Id: carol.userId, Type: 'USER', Role: role }],
        }),
      );
    await share('VIEWER');
    await expect(restore(documentId, carol.token)).rejects.toBeInstanceOf(
      UnauthorizedOperationException,
    );
    await share('CONTRIBUTOR');
    await restore(documentId, carol.token);
    expect((await latest(documentId))?.Id).toBe(second.versionId);
  });
});
