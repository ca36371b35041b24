import { createHash } from 'node:crypto';
import {
  AbortDocumentVersionUploadCommand,
  ActivateUserCommand,
  DeactivateUserCommand,
  UpdateUserCommand,
  CreateFolderCommand,
  CreateUserCommand,
  DescribeDocumentVersionsCommand,
  DescribeFolderContentsCommand,
  DescribeRootFoldersCommand,
  DescribeUsersCommand,
  EntityAlreadyExistsException,
  EntityNotExistsException,
  GetCurrentUserCommand,
  GetDocumentCommand,
  GetDocumentVersionCommand,
  GetFolderCommand,
  InitiateDocumentVersionUploadCommand,
  InvalidArgumentException,
  LimitExceededException,
  ProhibitedStateException,
  StorageLimitExceededException,
  StorageLimitWillExceedException,
  UnauthorizedOperationException,
  UnauthorizedResourceAccessException,
  UpdateDocumentVersionCommand,
} from '@aws-sdk/client-workdocs';
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateVersion, putToUploadUrl, uploadDocument } from '../helpers/workdocs.js';
import { useHarness } from './helpers.js';

const h = useHarness({ folderChildLimit: 25 });
let token: string;
let root: string;
let client: WorkDocsClient;

beforeAll(() => {
  token = h.local.demoToken;
  root = h.local.demoRootFolderId;
  client = h.client;
});

let counter = 0;
const uniqueName = (base: string): string => `${base}-${++counter}.txt`;

async function initiate(
  opts: { name?: string; parent?: string; size?: number; contentType?: string; id?: string } = {},
) {
  return client.send(
    new InitiateDocumentVersionUploadCommand({
      AuthenticationToken: token,
      ParentFolderId: opts.id === undefined ? (opts.parent ?? root) : undefined,
      Id: opts.id,
      Name: opts.id === undefined ? (opts.name ?? uniqueName('doc')) : opts.name,
      ContentType: opts.contentType ?? 'text/plain',
      DocumentSizeInBytes: opts.size,
    }),
  );
}

/** Initiate + PUT + activate; returns document and version ids. */
function uploadActive(content: string, opts: { name?: string; parent?: string } = {}) {
  return uploadDocument(client, token, {
    parentFolderId: opts.parent ?? root,
    name: opts.name ?? uniqueName('doc'),
    body: content,
    contentType: 'text/plain',
  });
}

describe('users', () => {
  it('GetCurrentUser returns the demo user with storage', async () => {
    const { User } = await client.send(new GetCurrentUserCommand({ AuthenticationToken: token }));
    expect(User).toMatchObject({
      Id: h.local.demoUserId,
      Username: 'demo',
      RootFolderId: root,
      OrganizationId: h.local.organizationId,
      Status: 'ACTIVE',
      Type: 'USER',
      Storage: { StorageRule: { StorageType: 'UNLIMITED' } },
    });
    expect(User!.CreatedTimestamp).toBeInstanceOf(Date);
    expect(typeof User!.Storage!.StorageUtilizedInBytes).toBe('number');
  });

  it('GetCurrentUser without a token is UnauthorizedResourceAccess', async () => {
    await expect(client.send(new GetCurrentUserCommand({} as never))).rejects.toBeInstanceOf(
      UnauthorizedResourceAccessException,
    );
  });

  it('an unknown token is UnauthorizedResourceAccessException (404)', async () => {
    const err: unknown = await client
      .send(new GetCurrentUserCommand({ AuthenticationToken: 'not-a-token' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthorizedResourceAccessException);
    expect((err as UnauthorizedResourceAccessException).$metadata.httpStatusCode).toBe(404);
    expect((err as UnauthorizedResourceAccessException).$metadata.requestId).toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });

  it('CreateUser (administrator) then DescribeUsers with comma-separated userIds and paging', async () => {
    const created = await client.send(
      new CreateUserCommand({
        Username: 'alice',
        GivenName: 'Alice',
        Surname: 'Liddell',
        Password: 'secret-pw',
        EmailAddress: 'alice@example.com',
        StorageRule: { StorageType: 'QUOTA', StorageAllocatedInBytes: 1000 },
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.User).toMatchObject({
      Username: 'alice',
      GivenName: 'Alice',
      Surname: 'Liddell',
      EmailAddress: 'alice@example.com',
      Storage: { StorageRule: { StorageType: 'QUOTA', StorageAllocatedInBytes: 1000 } },
    });
    const aliceId = created.User!.Id!;
    expect(created.User!.RootFolderId).toMatch(/^[\w+-.@]+$/);

    const both = await client.send(
      new DescribeUsersCommand({
        AuthenticationToken: token,
        UserIds: `${aliceId}, ${h.local.demoUserId}`,
        Fields: 'STORAGE_METADATA',
      }),
    );
    expect(both.Users!.map((u) => u.Username).sort()).toEqual(['alice', 'demo']);
    expect(both.Users![0]!.Storage).toBeDefined();

    const noStorage = await client.send(
      new DescribeUsersCommand({ AuthenticationToken: token, UserIds: aliceId }),
    );
    expect(noStorage.Users).toHaveLength(1);
    expect(noStorage.Users![0]!.Storage).toBeUndefined();

    const page1 = await client.send(new DescribeUsersCommand({ Limit: 1 }));
    expect(page1.Users).toHaveLength(1);
    expect(page1.Marker).toBeDefined();
    const page2 = await client.send(new DescribeUsersCommand({ Limit: 1, Marker: page1.Marker }));
    expect(page2.Users).toHaveLength(1);
    expect(page2.Users![0]!.Id).not.toBe(page1.Users![0]!.Id);

    await expect(
      client.send(
        new CreateUserCommand({
          Username: 'alice',
          GivenName: 'A',
          Surname: 'B',
          Password: 'pass',
        }),
      ),
    ).rejects.toBeInstanceOf(EntityAlreadyExistsException);
  });

  it('CreateUser with a user token (not an administrator) is UnauthorizedOperation', async () => {
    const err: unknown = await client
      .send(
        new CreateUserCommand({
          AuthenticationToken: token,
          Username: 'mallory',
          GivenName: 'M',
          Surname: 'X',
          Password: 'pass',
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthorizedOperationException);
    expect((err as UnauthorizedOperationException).$metadata.httpStatusCode).toBe(403);
  });

  it('model validation: a bad Username pattern and a short Password are InvalidArgument naming the member', async () => {
    const err: unknown = await client
      .send(
        new CreateUserCommand({
          Username: 'bad name!',
          GivenName: 'A',
          Surname: 'B',
          Password: 'pass',
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentException);
    expect((err as Error).message).toContain('Username');
    const err2: unknown = await client
      .send(new CreateUserCommand({ Username: 'bob', GivenName: 'A', Surname: 'B', Password: 'p' }))
      .catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(InvalidArgumentException);
    expect((err2 as Error).message).toContain('Password');
  });
});

describe('user administration', () => {
  it('UpdateUser sets names and quota; DeactivateUser refuses the token until ActivateUser', async () => {
    const dave = await h.local.createUserWithToken('dave');
    const updated = await client.send(
      new UpdateUserCommand({
        UserId: dave.userId,
        GivenName: 'David',
        StorageRule: { StorageType: 'QUOTA', StorageAllocatedInBytes: 4096 },
      }),
    );
    expect(updated.User).toMatchObject({
      GivenName: 'David',
      Storage: { StorageRule: { StorageType: 'QUOTA', StorageAllocatedInBytes: 4096 } },
    });
    await expect(
      client.send(
        new UpdateUserCommand({
          AuthenticationToken: dave.token,
          UserId: dave.userId,
          GivenName: 'X',
        }),
      ),
    ).rejects.toBeInstanceOf(UnauthorizedOperationException);
    const missing: unknown = await client
      .send(new UpdateUserCommand({ UserId: 'nobody-here', GivenName: 'X' }))
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(EntityNotExistsException);

    const off = await client.send(new DeactivateUserCommand({ UserId: dave.userId }));
    expect(off.$metadata.httpStatusCode).toBe(204);
    await expect(
      client.send(new GetCurrentUserCommand({ AuthenticationToken: dave.token })),
    ).rejects.toBeInstanceOf(UnauthorizedResourceAccessException);
    const on = await client.send(new ActivateUserCommand({ UserId: dave.userId }));
    expect(on.User!.Status).toBe('ACTIVE');
    const me = await client.send(new GetCurrentUserCommand({ AuthenticationToken: dave.token }));
    expect(me.User!.Id).toBe(dave.userId);
  });
});

describe('folders', () => {
  it('DescribeRootFolders returns the root; GetFolder returns it', async () => {
    const roots = await client.send(new DescribeRootFoldersCommand({ AuthenticationToken: token }));
    expect(roots.Folders!.map((f) => f.Id)).toEqual([root]);
    const got = await client.send(
      new GetFolderCommand({ AuthenticationToken: token, FolderId: root }),
    );
    expect(got.Metadata).toMatchObject({
      Id: root,
      ResourceState: 'ACTIVE',
      CreatorId: h.local.demoUserId,
    });
  });

  it('DescribeRootFolders without a token is refused', async () => {
    await expect(client.send(new DescribeRootFoldersCommand({} as never))).rejects.toBeInstanceOf(
      UnauthorizedResourceAccessException,
    );
  });

  it('CreateFolder, duplicate name, unknown parent, child limit, recycled parent', async () => {
    const created = await client.send(
      new CreateFolderCommand({
        AuthenticationToken: token,
        ParentFolderId: root,
        Name: 'Projects',
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    const folderId = created.Metadata!.Id!;
    expect(created.Metadata).toMatchObject({
      Name: 'Projects',
      ParentFolderId: root,
      ResourceState: 'ACTIVE',
    });
    expect(created.Metadata!.CreatedTimestamp).toBeInstanceOf(Date);

    await expect(
      client.send(
        new CreateFolderCommand({
          AuthenticationToken: token,
          ParentFolderId: root,
          Name: 'Projects',
        }),
      ),
    ).rejects.toBeInstanceOf(EntityAlreadyExistsException);

    const missing: unknown = await client
      .send(
        new CreateFolderCommand({
          AuthenticationToken: token,
          ParentFolderId: 'nope123',
          Name: 'X',
        }),
      )
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(EntityNotExistsException);
    expect((missing as EntityNotExistsException).EntityIds).toEqual(['nope123']);

    // folderChildLimit is 25 in this harness
    for (let i = 0; i < 25; i++) {
      await client.send(
        new CreateFolderCommand({
          AuthenticationToken: token,
          ParentFolderId: folderId,
          Name: `c${i}`,
        }),
      );
    }
    await expect(
      client.send(
        new CreateFolderCommand({
          AuthenticationToken: token,
          ParentFolderId: folderId,
          Name: 'c-extra',
        }),
      ),
    ).rejects.toBeInstanceOf(LimitExceededException);
    await expect(initiate({ parent: folderId })).rejects.toBeInstanceOf(LimitExceededException);

    const recycled = await client.send(
      new CreateFolderCommand({ AuthenticationToken: token, ParentFolderId: root, Name: 'Old' }),
    );
    await h.local.setFolderState(recycled.Metadata!.Id!, 'RECYCLED');
    await expect(initiate({ parent: recycled.Metadata!.Id! })).rejects.toBeInstanceOf(
      ProhibitedStateException,
    );
    await expect(
      client.send(
        new CreateFolderCommand({
          AuthenticationToken: token,
          ParentFolderId: recycled.Metadata!.Id!,
          Name: 'x',
        }),
      ),
    ).rejects.toBeInstanceOf(ProhibitedStateException);
  });

  it('DescribeFolderContents pages with markers, filters by type and sorts', async () => {
    const parent = await client.send(
      new CreateFolderCommand({ AuthenticationToken: token, ParentFolderId: root, Name: 'Paging' }),
    );
    const pid = parent.Metadata!.Id!;
    await client.send(
      new CreateFolderCommand({ AuthenticationToken: token, ParentFolderId: pid, Name: 'sub' }),
    );
    await uploadActive('b', { parent: pid, name: 'b.txt' });
    await uploadActive('a', { parent: pid, name: 'a.txt' });
    await initiate({ parent: pid, name: 'pending.txt' }); // INITIALIZED only: hidden by default

    const all = await client.send(
      new DescribeFolderContentsCommand({ AuthenticationToken: token, FolderId: pid }),
    );
    expect(all.Folders!.map((f) => f.Name)).toEqual(['sub']);
    expect(all.Documents!.map((d) => d.LatestVersionMetadata!.Name)).toEqual(['a.txt', 'b.txt']);
    expect(all.Marker).toBeUndefined();

    const withInit = await client.send(
      new DescribeFolderContentsCommand({
        AuthenticationToken: token,
        FolderId: pid,
        Include: 'INITIALIZED',
        Type: 'DOCUMENT',
      }),
    );
    expect(withInit.Folders).toEqual([]);
    expect(withInit.Documents!.map((d) => d.LatestVersionMetadata!.Name)).toEqual([
      'a.txt',
      'b.txt',
      'pending.txt',
    ]);

    const desc = await client.send(
      new DescribeFolderContentsCommand({
        AuthenticationToken: token,
        FolderId: pid,
        Type: 'DOCUMENT',
        Order: 'DESCENDING',
      }),
    );
    expect(desc.Documents!.map((d) => d.LatestVersionMetadata!.Name)).toEqual(['b.txt', 'a.txt']);

    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const p = await client.send(
        new DescribeFolderContentsCommand({
          AuthenticationToken: token,
          FolderId: pid,
          Limit: 1,
          Marker: marker,
        }),
      );
      pages++;
      seen.push(...p.Folders!.map((f) => f.Id!), ...p.Documents!.map((d) => d.Id!));
      marker = p.Marker;
    } while (marker !== undefined);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(3);

    await expect(
      client.send(
        new DescribeFolderContentsCommand({
          AuthenticationToken: token,
          FolderId: pid,
          Marker: 'garbage',
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidArgumentException);
    await expect(
      client.send(
        new DescribeFolderContentsCommand({
          AuthenticationToken: token,
          FolderId: pid,
          Limit: 1000,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidArgumentException);
  });
});

describe('documents and the upload lifecycle', () => {
  it('Initiate → PUT → activate → GetDocument/GetDocumentVersion/DescribeDocumentVersions', async () => {
    const content = 'hello, WorkDocs Local';
    const init = await initiate({ name: 'hello.txt', size: Buffer.byteLength(content) });
    expect(init.$metadata.httpStatusCode).toBe(201);
    expect(init.Metadata!.LatestVersionMetadata).toMatchObject({
      Name: 'hello.txt',
      Status: 'INITIALIZED',
      ContentType: 'text/plain',
      Size: Buffer.byteLength(content),
    });
    expect(init.UploadMetadata!.SignedHeaders).toEqual({
      'Content-Type': 'text/plain',
      'x-amz-server-side-encryption': 'AES256',
    });
    const documentId = init.Metadata!.Id!;
    const versionId = init.Metadata!.LatestVersionMetadata!.Id!;

    // Activating before bytes arrived is refused.
    await expect(activateVersion(client, token, documentId, versionId)).rejects.toBeInstanceOf(
      ProhibitedStateException,
    );

    const res = await putToUploadUrl(
      init.UploadMetadata!.UploadUrl!,
      init.UploadMetadata!.SignedHeaders!,
      content,
    );
    expect(res.status).toBe(200);
    const update = await activateVersion(client, token, documentId, versionId);
    expect(update.$metadata.httpStatusCode).toBe(200);

    // Activating twice: the version is no longer INITIALIZED.
    await expect(activateVersion(client, token, documentId, versionId)).rejects.toBeInstanceOf(
      ProhibitedStateException,
    );
    // Aborting an ACTIVE version is refused.
    await expect(
      client.send(
        new AbortDocumentVersionUploadCommand({
          AuthenticationToken: token,
          DocumentId: documentId,
          VersionId: versionId,
        }),
      ),
    ).rejects.toBeInstanceOf(ProhibitedStateException);

    const sha = createHash('sha256').update(content).digest('hex');
    const doc = await client.send(
      new GetDocumentCommand({ AuthenticationToken: token, DocumentId: documentId }),
    );
    expect(doc.Metadata).toMatchObject({
      Id: documentId,
      ParentFolderId: root,
      CreatorId: h.local.demoUserId,
      ResourceState: 'ACTIVE',
      LatestVersionMetadata: {
        Id: versionId,
        Status: 'ACTIVE',
        Signature: sha,
        Size: Buffer.byteLength(content),
      },
    });

    const version = await client.send(
      new GetDocumentVersionCommand({
        AuthenticationToken: token,
        DocumentId: documentId,
        VersionId: versionId,
        Fields: 'SOURCE',
      }),
    );
    const source = version.Metadata!.Source!.ORIGINAL!;
    const download = await fetch(source);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe(content);
    expect(download.headers.get('content-type')).toBe('text/plain');

    const noSource = await client.send(
      new GetDocumentVersionCommand({
        AuthenticationToken: token,
        DocumentId: documentId,
        VersionId: versionId,
      }),
    );
    expect(noSource.Metadata!.Source).toBeUndefined();

    // A second version via Id; DescribeDocumentVersions lists ACTIVE ones (INITIALIZED on request).
    const v2 = await initiate({ id: documentId, size: 2 });
    expect(v2.Metadata!.Id).toBe(documentId);
    const v2Id = v2.Metadata!.LatestVersionMetadata!.Id!;
    expect(v2Id).not.toBe(versionId);
    expect(v2.Metadata!.LatestVersionMetadata!.Name).toBe('hello.txt');
    const active = await client.send(
      new DescribeDocumentVersionsCommand({
        AuthenticationToken: token,
        DocumentId: documentId,
        Fields: 'SOURCE',
      }),
    );
    expect(active.DocumentVersions!.map((v) => v.Id)).toEqual([versionId]);
    expect(active.DocumentVersions![0]!.Source!.ORIGINAL).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const withInit = await client.send(
      new DescribeDocumentVersionsCommand({
        AuthenticationToken: token,
        DocumentId: documentId,
        Include: 'INITIALIZED',
      }),
    );
    expect(withInit.DocumentVersions!.map((v) => v.Id)).toEqual([v2Id, versionId]);
    // GetDocument shows the latest ACTIVE version while the new one is INITIALIZED.
    const again = await client.send(
      new GetDocumentCommand({ AuthenticationToken: token, DocumentId: documentId }),
    );
    expect(again.Metadata!.LatestVersionMetadata!.Id).toBe(versionId);

    // Abort the INITIALIZED second version: 204, gone; the document stays.
    const aborted = await client.send(
      new AbortDocumentVersionUploadCommand({
        AuthenticationToken: token,
        DocumentId: documentId,
        VersionId: v2Id,
      }),
    );
    expect(aborted.$metadata.httpStatusCode).toBe(204);
    const gone: unknown = await client
      .send(
        new GetDocumentVersionCommand({
          AuthenticationToken: token,
          DocumentId: documentId,
          VersionId: v2Id,
        }),
      )
      .catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(EntityNotExistsException);
    expect((gone as EntityNotExistsException).EntityIds).toEqual([v2Id]);
    await client.send(
      new GetDocumentCommand({ AuthenticationToken: token, DocumentId: documentId }),
    );
  });

  it('content timestamps travel as epoch seconds both ways (milliseconds kept)', async () => {
    const created = new Date('2020-01-02T03:04:05.678Z');
    const modified = new Date('2021-06-07T08:09:10.5Z');
    const init = await client.send(
      new InitiateDocumentVersionUploadCommand({
        AuthenticationToken: token,
        ParentFolderId: root,
        Name: uniqueName('stamped'),
        ContentCreatedTimestamp: created,
        ContentModifiedTimestamp: modified,
      }),
    );
    const v = init.Metadata!.LatestVersionMetadata!;
    expect(v.ContentCreatedTimestamp).toEqual(created);
    expect(v.ContentModifiedTimestamp).toEqual(modified);
    expect(v.ContentType).toBe('application/octet-stream');
    expect(init.UploadMetadata!.SignedHeaders!['Content-Type']).toBe('application/octet-stream');
    expect(v.Size).toBeUndefined();
  });

  it('aborting the only version removes the document and its bytes', async () => {
    const init = await initiate({ size: 3 });
    const res = await putToUploadUrl(
      init.UploadMetadata!.UploadUrl!,
      init.UploadMetadata!.SignedHeaders!,
      'abc',
    );
    expect(res.status).toBe(200);
    const documentId = init.Metadata!.Id!;
    await client.send(
      new AbortDocumentVersionUploadCommand({
        AuthenticationToken: token,
        DocumentId: documentId,
        VersionId: init.Metadata!.LatestVersionMetadata!.Id!,
      }),
    );
    const err: unknown = await client
      .send(new GetDocumentCommand({ AuthenticationToken: token, DocumentId: documentId }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EntityNotExistsException);
    expect((err as EntityNotExistsException).EntityIds).toEqual([documentId]);
    expect((err as EntityNotExistsException).$metadata.httpStatusCode).toBe(404);
    // The upload URL no longer works.
    const late = await putToUploadUrl(
      init.UploadMetadata!.UploadUrl!,
      init.UploadMetadata!.SignedHeaders!,
      'abc',
    );
    expect(late.status).toBe(404);
  });

  it('Initiate errors: unknown parent, unknown document, duplicate name, missing Name, bad content', async () => {
    const e1: unknown = await initiate({ parent: 'missing-folder' }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(EntityNotExistsException);
    expect((e1 as EntityNotExistsException).EntityIds).toEqual(['missing-folder']);
    const e2: unknown = await initiate({ id: 'missing-doc' }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(EntityNotExistsException);
    expect((e2 as EntityNotExistsException).EntityIds).toEqual(['missing-doc']);

    await initiate({ name: 'same.txt' });
    await expect(initiate({ name: 'same.txt' })).rejects.toBeInstanceOf(
      EntityAlreadyExistsException,
    );

    await expect(
      client.send(
        new InitiateDocumentVersionUploadCommand({
          AuthenticationToken: token,
          ParentFolderId: root,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidArgumentException);
    const e3: unknown = await initiate({ name: 'x'.repeat(256) }).catch((e: unknown) => e);
    expect(e3).toBeInstanceOf(InvalidArgumentException);
    expect((e3 as Error).message).toContain('Name');
    await expect(initiate({ parent: '../../etc' })).rejects.toBeInstanceOf(
      InvalidArgumentException,
    );
    await expect(initiate({ size: -1 })).rejects.toBeInstanceOf(InvalidArgumentException);
    await expect(
      client.send(
        new UpdateDocumentVersionCommand({
          AuthenticationToken: token,
          DocumentId: 'nodoc',
          VersionId: 'nov',
        }),
      ),
    ).rejects.toBeInstanceOf(EntityNotExistsException);
  });

  it('name lengths count characters, as the model does, not UTF-16 units', async () => {
    // 255 emoji are 255 characters (the model's maximum) but 510 UTF-16 code units.
    const longest = '😀'.repeat(255);
    const init = await initiate({ name: longest });
    expect(init.Metadata!.LatestVersionMetadata!.Name).toBe(longest);
    const tooLong: unknown = await initiate({ name: '😀'.repeat(256) }).catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(InvalidArgumentException);
    expect((tooLong as Error).message).toContain('Name must be at most 255 characters');
  });

  it('quotas: StorageLimitWillExceed for a declared size over the quota, StorageLimitExceeded when full', async () => {
    const bob = await h.local.createUserWithToken('bob-quota', { storageBytes: 10 });
    const bobClientSend = (size?: number, name = uniqueName('q')) =>
      client.send(
        new InitiateDocumentVersionUploadCommand({
          AuthenticationToken: bob.token,
          ParentFolderId: bob.rootFolderId,
          Name: name,
          ContentType: 'application/octet-stream',
          DocumentSizeInBytes: size,
        }),
      );
    const over: unknown = await bobClientSend(11).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(StorageLimitWillExceedException);
    expect((over as StorageLimitWillExceedException).$metadata.httpStatusCode).toBe(413);

    const ok = await bobClientSend(10);
    const res = await putToUploadUrl(
      ok.UploadMetadata!.UploadUrl!,
      ok.UploadMetadata!.SignedHeaders!,
      Buffer.alloc(10, 1),
    );
    expect(res.status).toBe(200);
    const full: unknown = await bobClientSend(1).catch((e: unknown) => e);
    expect(full).toBeInstanceOf(StorageLimitExceededException);
    expect((full as StorageLimitExceededException).$metadata.httpStatusCode).toBe(409);

    // Without a declared size, the PUT itself is bounded by the remaining quota.
    await h.local.setQuota(bob.userId, 15);
    const undeclared = await bobClientSend(undefined);
    const tooBig = await putToUploadUrl(
      undeclared.UploadMetadata!.UploadUrl!,
      undeclared.UploadMetadata!.SignedHeaders!,
      Buffer.alloc(6, 1),
    );
    expect(tooBig.status).toBe(413);
    const fits = await putToUploadUrl(
      undeclared.UploadMetadata!.UploadUrl!,
      undeclared.UploadMetadata!.SignedHeaders!,
      Buffer.alloc(5, 1),
    );
    expect(fits.status).toBe(200);

    await h.local.setQuota(bob.userId, null);
    await bobClientSend(1_000_000);
    const me = await client.send(new GetCurrentUserCommand({ AuthenticationToken: bob.token }));
    expect(me.User!.Storage).toMatchObject({
      StorageUtilizedInBytes: 15,
      StorageRule: { StorageType: 'UNLIMITED' },
    });
  });

  it('quotas hold for uploads initiated side by side: the PUT that would pass the quota is refused (413)', async () => {
    const dan = await h.local.createUserWithToken('dan-quota', { storageBytes: 10 });
    const start = (size?: number) =>
      client.send(
        new InitiateDocumentVersionUploadCommand({
          AuthenticationToken: dan.token,
          ParentFolderId: dan.rootFolderId,
          Name: uniqueName('side'),
          ContentType: 'application/octet-stream',
          DocumentSizeInBytes: size,
        }),
      );
    const put = (init: Awaited<ReturnType<typeof start>>, bytes: number) =>
      putToUploadUrl(
        init.UploadMetadata!.UploadUrl!,
        init.UploadMetadata!.SignedHeaders!,
        Buffer.alloc(bytes, 1),
      );
    const used = async () =>
      (await client.send(new GetCurrentUserCommand({ AuthenticationToken: dan.token }))).User!
        .Storage!.StorageUtilizedInBytes;

    // Declared sizes: each of 6 bytes fits the empty quota of 10 when initiated.
    const a = await start(6);
    const b = await start(6);
    expect((await put(a, 6)).status).toBe(200);
    const refused = await put(b, 6);
    expect(refused.status).toBe(413);
    expect(await refused.text()).toContain('EntityTooLarge');
    expect(await used()).toBe(6);
    await expect(
      activateVersion(client, dan.token, b.Metadata!.Id!, b.Metadata!.LatestVersionMetadata!.Id!),
    ).rejects.toBeInstanceOf(ProhibitedStateException);

    // Undeclared sizes, sent at the same time: only one of them fits the remaining 4 bytes.
    const c = await start();
    const d = await start();
    const statuses = (await Promise.all([put(c, 3), put(d, 3)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 413]);
    expect(await used()).toBe(9);
  });

  it("another user's folder and document are UnauthorizedOperation; the administrator reaches them", async () => {
    const carol = await h.local.createUserWithToken('carol');
    const { documentId } = await uploadActive('mine', { name: 'demo-private.txt' });
    const e1: unknown = await client
      .send(new GetDocumentCommand({ AuthenticationToken: carol.token, DocumentId: documentId }))
      .catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(UnauthorizedOperationException);
    expect((e1 as UnauthorizedOperationException).$metadata.httpStatusCode).toBe(403);
    await expect(
      client.send(
        new InitiateDocumentVersionUploadCommand({
          AuthenticationToken: carol.token,
          ParentFolderId: root,
          Name: 'intruder.txt',
        }),
      ),
    ).rejects.toBeInstanceOf(UnauthorizedOperationException);
    await expect(
      client.send(
        new DescribeFolderContentsCommand({ AuthenticationToken: carol.token, FolderId: root }),
      ),
    ).rejects.toBeInstanceOf(UnauthorizedOperationException);
    // Administrator: SigV4 without a token.
    const admin = await client.send(new GetDocumentCommand({ DocumentId: documentId }));
    expect(admin.Metadata!.Id).toBe(documentId);
    const adminUpload = await client.send(
      new InitiateDocumentVersionUploadCommand({
        ParentFolderId: carol.rootFolderId,
        Name: 'from-admin.txt',
      }),
    );
    expect(adminUpload.Metadata!.ParentFolderId).toBe(carol.rootFolderId);
    expect(adminUpload.Metadata!.CreatorId).toBe(carol.userId);
  });
});
