/**
 * GetResources (SHARED_WITH_ME) through the official SDK: what was shared with a user directly,
 * as that user (token) or for them (administrator credentials + UserId), paged.
 */
import {
  AddResourcePermissionsCommand,
  CreateLabelsCommand,
  GetResourcesCommand,
  InitiateDocumentVersionUploadCommand,
  InvalidArgumentException,
  RemoveResourcePermissionCommand,
  UnauthorizedOperationException,
  UpdateDocumentCommand,
} from '@aws-sdk/client-workdocs';
import type { GetResourcesCommandOutput } from '@aws-sdk/client-workdocs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CreatedUser } from '../../src/workdocs-local/index.js';
import { createFolder, uploadDocument } from '../helpers/workdocs.js';
import { useHarness } from './helpers.js';

const h = useHarness();
let owner: CreatedUser;
let carol: CreatedUser;
let dave: CreatedUser;

beforeAll(async () => {
  owner = await h.local.createUserWithToken('res-owner');
  carol = await h.local.createUserWithToken('res-carol');
  dave = await h.local.createUserWithToken('res-dave');
});

function share(resourceId: string, user: CreatedUser, role: 'VIEWER' | 'CONTRIBUTOR' = 'VIEWER') {
  return h.client.send(
    new AddResourcePermissionsCommand({
      AuthenticationToken: owner.token,
      ResourceId: resourceId,
      Principals: [{ Id: user.userId, Type: 'USER', Role: role }],
    }),
  );
}

function sharedWith(
  token: string | undefined,
  input: { UserId?: string; Limit?: number; Marker?: string } = {},
) {
  return h.client.send(
    new GetResourcesCommand({
      AuthenticationToken: token,
      CollectionType: 'SHARED_WITH_ME',
      ...input,
    }),
  );
}

const names = (out: GetResourcesCommandOutput) => ({
  folders: (out.Folders ?? []).map((f) => f.Name),
  documents: (out.Documents ?? []).map((d) => d.LatestVersionMetadata?.Name),
});

describe('GetResources', () => {
  it('lists the folders and documents shared with the caller directly, with their metadata', async () => {
    const folderId = await createFolder(h.client, owner.token, owner.rootFolderId, 'Team');
    const inside = await uploadDocument(h.client, owner.token, {
      parentFolderId: folderId,
      name: 'inside.txt',
      body: 'below a shared folder',
    });
    const doc = await uploadDocument(h.client, owner.token, {
      parentFolderId: owner.rootFolderId,
      name: 'plan.txt',
      body: 'the plan',
      contentType: 'text/plain',
    });
    const forDave = await uploadDocument(h.client, owner.token, {
      parentFolderId: owner.rootFolderId,
      name: 'dave-only.txt',
      body: 'x',
    });
    await share(folderId, carol);
    await share(doc.documentId, carol, 'CONTRIBUTOR');
    await share(forDave.documentId, dave);
    await h.client.send(
      new CreateLabelsCommand({
        AuthenticationToken: owner.token,
        ResourceId: doc.documentId,
        Labels: ['q3'],
      }),
    );
    // Carol's own document is not "shared with" her.
    await uploadDocument(h.client, carol.token, {
      parentFolderId: carol.rootFolderId,
      name: 'mine.txt',
      body: 'mine',
    });

    const out = await sharedWith(carol.token);
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.Folders?.map((f) => f.Id)).toEqual([folderId]);
    expect(out.Folders?.[0]).toMatchObject({
      Name: 'Team',
      ParentFolderId: owner.rootFolderId,
      CreatorId: owner.userId,
      ResourceState: 'ACTIVE',
      Labels: [],
    });
    // Only direct shares: the document inside the shared folder is reached through the folder.
    expect(out.Documents?.map((d) => d.Id)).toEqual([doc.documentId]);
    expect(out.Documents?.map((d) => d.Id)).not.toContain(inside.documentId);
    expect(out.Documents?.[0]).toMatchObject({
      ParentFolderId: owner.rootFolderId,
      ResourceState: 'ACTIVE',
      Labels: ['q3'],
      LatestVersionMetadata: {
        Id: doc.versionId,
        Name: 'plan.txt',
        Size: 8,
        Status: 'ACTIVE',
        ContentType: 'text/plain',
      },
    });
    expect(out.Marker).toBeUndefined();
    expect(names(await sharedWith(dave.token))).toEqual({
      folders: [],
      documents: ['dave-only.txt'],
    });
    expect(names(await sharedWith(owner.token))).toEqual({ folders: [], documents: [] });
  });

  it('the administrator names the user; without UserId it is InvalidArgument', async () => {
    const asAdmin = await sharedWith(undefined, { UserId: dave.userId });
    expect(names(asAdmin)).toEqual({ folders: [], documents: ['dave-only.txt'] });
    await expect(sharedWith(undefined)).rejects.toBeInstanceOf(InvalidArgumentException);
    await expect(sharedWith(undefined, { UserId: 'no-such-user' })).rejects.toBeInstanceOf(
      InvalidArgumentException,
    );
    // A user may ask for their own collection only.
    expect(names(await sharedWith(dave.token, { UserId: dave.userId })).documents).toEqual([
      'dave-only.txt',
    ]);
    await expect(sharedWith(dave.token, { UserId: carol.userId })).rejects.toBeInstanceOf(
      UnauthorizedOperationException,
    );
  });

  it('a revoked share, a recycled document and a document with no active version are not listed', async () => {
    const erin = await h.local.createUserWithToken('res-erin');
    const kept = await uploadDocument(h.client, owner.token, {
      parentFolderId: owner.rootFolderId,
      name: 'kept.txt',
      body: 'k',
    });
    const revoked = await uploadDocument(h.client, owner.token, {
      parentFolderId: owner.rootFolderId,
      name: 'revoked.txt',
      body: 'r',
    });
    const recycled = await uploadDocument(h.client, owner.token, {
      parentFolderId: owner.rootFolderId,
      name: 'recycled.txt',
      body: 'r',
    });
    const draft = await h.client.send(
      new InitiateDocumentVersionUploadCommand({
        AuthenticationToken: owner.token,
        ParentFolderId: owner.rootFolderId,
        Name: 'draft.txt',
      }),
    );
    for (const id of [
      kept.documentId,
      revoked.documentId,
      recycled.documentId,
      draft.Metadata?.Id ?? '',
    ]) {
      await share(id, erin);
    }
    await h.client.send(
      new RemoveResourcePermissionCommand({
        AuthenticationToken: owner.token,
        ResourceId: revoked.documentId,
        PrincipalId: erin.userId,
      }),
    );
    await h.client.send(
      new UpdateDocumentCommand({
        AuthenticationToken: owner.token,
        DocumentId: recycled.documentId,
        ResourceState: 'RECYCLED',
      }),
    );
    expect(names(await sharedWith(erin.token))).toEqual({ folders: [], documents: ['kept.txt'] });
  });

  it('pages with Limit and Marker: every item exactly once, folders first', async () => {
    const frank = await h.local.createUserWithToken('res-frank');
    const expected: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await createFolder(h.client, owner.token, owner.rootFolderId, `paged-folder-${i}`);
      await share(id, frank);
      expected.push(`paged-folder-${i}`);
    }
    for (let i = 0; i < 4; i++) {
      const { documentId } = await uploadDocument(h.client, owner.token, {
        parentFolderId: owner.rootFolderId,
        name: `paged-${i}.txt`,
        body: `${i}`,
      });
      await share(documentId, frank);
      expected.push(`paged-${i}.txt`);
    }
    const seen: (string | undefined)[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await sharedWith(frank.token, { Limit: 2, Marker: marker });
      const page = names(out);
      expect(page.folders.length + page.documents.length).toBeLessThanOrEqual(2);
      seen.push(...page.folders, ...page.documents);
      marker = out.Marker;
      pages++;
    } while (marker !== undefined && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual(expected);
    await expect(sharedWith(frank.token, { Marker: 'not-a-marker' })).rejects.toBeInstanceOf(
      InvalidArgumentException,
    );
  });
});
