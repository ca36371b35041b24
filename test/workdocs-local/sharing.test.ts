import {
  AddResourcePermissionsCommand,
  CreateFolderCommand,
  DeleteFolderCommand,
  DescribeFolderContentsCommand,
  DescribeResourcePermissionsCommand,
  GetDocumentCommand,
  GetDocumentVersionCommand,
  GetFolderCommand,
  RemoveAllResourcePermissionsCommand,
  RemoveResourcePermissionCommand,
  UnauthorizedOperationException,
} from '@aws-sdk/client-workdocs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFolder, uploadDocument } from '../helpers/workdocs.js';
import { useHarness } from './helpers.js';
import type { CreatedUser } from '../../src/workdocs-local/index.js';

const h = useHarness();
let owner: CreatedUser;
let carol: CreatedUser;

beforeAll(async () => {
  owner = await h.local.createUserWithToken('owner');
  carol = await h.local.createUserWithToken('carol');
});

function upload(token: string, parent: string, name: string, content: string) {
  return uploadDocument(h.client, token, {
    parentFolderId: parent,
    name,
    body: content,
    contentType: 'text/plain',
    declareSize: false,
  });
}

describe('sharing', () => {
  it('VIEWER reads, CONTRIBUTOR writes, only owners share or delete; removing a share revokes access', async () => {
    const folderId = await createFolder(h.client, owner.token, owner.rootFolderId, 'Shared');
    const subId = await createFolder(h.client, owner.token, folderId, 'Sub');
    const { documentId, versionId } = await upload(owner.token, subId, 'plan.txt', 'the plan');

    // Before sharing: refused.
    await expect(
      h.client.send(new GetFolderCommand({ AuthenticationToken: carol.token, FolderId: folderId })),
    ).rejects.toBeInstanceOf(UnauthorizedOperationException);

    const granted = await h.client.send(
      new AddResourcePermissionsCommand({
        AuthenticationToken: owner.token,
        ResourceId: folderId,
        Principals: [
          { Id: carol.userId, Type: 'USER', Role: 'VIEWER' },
          { Id: 'no-such-user', Type: 'USER', Role: 'VIEWER' },
          { Id: 'some-group', Type: 'GROUP', Role: 'VIEWER' },
        ],
      }),
    );
    expect(granted.$metadata.httpStatusCode).toBe(201);
    expect(granted.ShareResults!.map((r) => r.Status)).toEqual(['SUCCESS', 'FAILURE', 'FAILURE']);
    expect(granted.ShareResults![0]!.ShareId).toBeDefined();

    // VIEWER: reads through the folder tree, downloads, but cannot write.
    const listed = await h.client.send(
      new DescribeFolderContentsCommand({ AuthenticationToken: carol.token, FolderId: subId }),
    );
    expect(listed.Documents!.map((d) => d.Id)).toEqual([documentId]);
    await h.client.send(
      new GetDocumentCommand({ AuthenticationToken: carol.token, DocumentId: documentId }),
    );
    const v = await h.client.send(
      new GetDocumentVersionCommand({
        AuthenticationToken: carol.token,
        DocumentId: documentId,
        VersionId: versionId,
        Fields: 'SOURCE',
      }),
    );
    expect(await (await fetch(v.Metadata!.Source!.ORIGINAL!)).text()).toBe('the plan');
    await expect(upload(carol.token, subId, 'mine.txt', 'x')).rejects.toBeInstanceOf(
      UnauthorizedOperationException,
    );
    await expect(
      h.client.send(
        new CreateFolderCommand({
          AuthenticationToken: carol.token,
          ParentFolderId: subId,
          Name: 'c',
        }),
      ),
    ).rejects.toBeInstanceOf(UnauthorizedOperationException);

    const perms = await h.client.send(
      new DescribeResourcePermissionsCommand({
        AuthenticationToken: carol.token,
        ResourceId: subId,
      }),
    );
    const byId = new Map(perms.Principals!.map((p) => [p.Id, p.Roles]));
    expect(byId.get(owner.userId)).toEqual([{ Role: 'OWNER', Type: 'DIRECT' }]);
    expect(byId.get(carol.userId)).toEqual([{ Role: 'VIEWER', Type: 'INHERITED' }]);

    // CONTRIBUTOR: may upload; the document belongs to the folder's owner, created by carol.
    await h.client.send(
      new AddResourcePermissionsCommand({
        AuthenticationToken: owner.token,
        ResourceId: folderId,
        Principals: [{ Id: carol.userId, Type: 'USER', Role: 'CONTRIBUTOR' }],
      }),
    );
    const contributed = await upload(carol.token, subId, 'mine.txt', 'from carol');
    const doc = await h.client.send(
      new GetDocumentCommand({
        AuthenticationToken: owner.token,
        DocumentId: contributed.documentId,
      }),
    );
    expect(doc.Metadata!.CreatorId).toBe(carol.userId);

    // Sharing and deleting need an owner or co-owner.
    await expect(
      h.client.send(
        new AddResourcePermissionsCommand({
          AuthenticationToken: carol.token,
          ResourceId: folderId,
          Principals: [{ Id: h.local.demoUserId, Type: 'USER', Role: 'VIEWER' }],
        }),
      ),
    ).rejects.toBeInstanceOf(UnauthorizedOperationException);
    await expect(
      h.client.send(new DeleteFolderCommand({ AuthenticationToken: carol.token, FolderId: subId })),
    ).rejects.toBeInstanceOf(UnauthorizedOperationException);

    // Revoking.
    const removed = await h.client.send(
      new RemoveResourcePermissionCommand({
        AuthenticationToken: owner.token,
        ResourceId: folderId,
        PrincipalId: carol.userId,
      }),
    );
    expect(removed.$metadata.httpStatusCode).toBe(204);
    await expect(
      h.client.send(
        new GetDocumentCommand({ AuthenticationToken: carol.token, DocumentId: documentId }),
      ),
    ).rejects.toBeInstanceOf(UnauthorizedOperationException);

    await h.client.send(
      new AddResourcePermissionsCommand({
        AuthenticationToken: owner.token,
        ResourceId: documentId,
        Principals: [{ Id: carol.userId, Type: 'USER', Role: 'VIEWER' }],
      }),
    );
    await h.client.send(
      new GetDocumentCommand({ AuthenticationToken: carol.token, DocumentId: documentId }),
    );
    await h.client.send(
      new RemoveAllResourcePermissionsCommand({
        AuthenticationToken: owner.token,
        ResourceId: documentId,
      }),
    );
    await expect(
      h.client.send(
        new GetDocumentCommand({ AuthenticationToken: carol.token, DocumentId: documentId }),
      ),
    ).rejects.toBeInstanceOf(UnauthorizedOperationException);
  });
});
