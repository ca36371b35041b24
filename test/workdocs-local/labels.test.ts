/**
 * Labels (CreateLabels, DeleteLabels) and custom metadata (CreateCustomMetadata,
 * DeleteCustomMetadata) through the official SDK, and where WorkDocs shows them: Labels in every
 * folder and document description, CustomMetadata with IncludeCustomMetadata.
 */
import {
  AddResourcePermissionsCommand,
  CreateCustomMetadataCommand,
  CreateLabelsCommand,
  CustomMetadataLimitExceededException,
  DeleteCustomMetadataCommand,
  DeleteLabelsCommand,
  DescribeFolderContentsCommand,
  EntityNotExistsException,
  GetDocumentCommand,
  GetDocumentVersionCommand,
  GetFolderCommand,
  InvalidArgumentException,
  ProhibitedStateException,
  TooManyLabelsException,
  UnauthorizedOperationException,
  UpdateDocumentCommand,
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
  owner = await h.local.createUserWithToken('labels-owner');
  carol = await h.local.createUserWithToken('labels-carol');
});

async function newDocument(parent = owner.rootFolderId) {
  return uploadDocument(h.client, owner.token, {
    parentFolderId: parent,
    name: `labelled-${++counter}.txt`,
    body: 'labelled',
  });
}

function addLabels(resourceId: string, labels: string[], token = owner.token) {
  return h.client.send(
    new CreateLabelsCommand({ AuthenticationToken: token, ResourceId: resourceId, Labels: labels }),
  );
}

function removeLabels(resourceId: string, input: { Labels?: string[]; DeleteAll?: boolean }) {
  return h.client.send(
    new DeleteLabelsCommand({ AuthenticationToken: owner.token, ResourceId: resourceId, ...input }),
  );
}

async function documentLabels(documentId: string) {
  const out = await h.client.send(
    new GetDocumentCommand({ AuthenticationToken: owner.token, DocumentId: documentId }),
  );
  return out.Metadata?.Labels;
}

describe('labels', () => {
  it('CreateLabels adds labels once each; GetDocument, GetFolder and DescribeFolderContents show them', async () => {
    const folderId = await createFolder(h.client, owner.token, owner.rootFolderId, 'labelled');
    const { documentId } = await newDocument(folderId);
    const out = await addLabels(documentId, ['urgent', 'Q3 plan', 'a+b/c=d']);
    expect(out.$metadata.httpStatusCode).toBe(200);
    await addLabels(documentId, ['urgent', 'final.v2']);
    await addLabels(folderId, ['team-x']);
    expect(await documentLabels(documentId)).toEqual(['urgent', 'Q3 plan', 'a+b/c=d', 'final.v2']);
    const folder = await h.client.send(
      new GetFolderCommand({ AuthenticationToken: owner.token, FolderId: folderId }),
    );
    expect(folder.Metadata?.Labels).toEqual(['team-x']);
    const listing = await h.client.send(
      new DescribeFolderContentsCommand({
        AuthenticationToken: owner.token,
        FolderId: owner.rootFolderId,
      }),
    );
    expect(listing.Folders?.find((f) => f.Id === folderId)?.Labels).toEqual(['team-x']);
    const inside = await h.client.send(
      new DescribeFolderContentsCommand({ AuthenticationToken: owner.token, FolderId: folderId }),
    );
    expect(inside.Documents?.map((d) => d.Labels)).toEqual([
      ['urgent', 'Q3 plan', 'a+b/c=d', 'final.v2'],
    ]);
  });

  it('DeleteLabels removes the named labels (sent as a repeated query parameter) or all of them', async () => {
    const { documentId } = await newDocument();
    await addLabels(documentId, ['one', 'two words', 'x+y', 'keep']);
    const out = await removeLabels(documentId, { Labels: ['two words', 'x+y', 'never-there'] });
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(await documentLabels(documentId)).toEqual(['one', 'keep']);
    await removeLabels(documentId, { DeleteAll: true });
    expect(await documentLabels(documentId)).toEqual([]);
    await expect(removeLabels(documentId, {})).rejects.toBeInstanceOf(InvalidArgumentException);
  });

  it('a repeated query parameter beyond the model list limit is InvalidArgument and removes nothing', async () => {
    const { documentId } = await newDocument();
    await addLabels(documentId, ['stay']);
    const many = Array.from({ length: 21 }, (_, i) => `l${i}`);
    const e = await removeLabels(documentId, { Labels: [...many, 'stay'] }).catch(
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(InvalidArgumentException);
    expect((e as InvalidArgumentException).message).toBe('Labels must have at most 20 items');
    expect(await documentLabels(documentId)).toEqual(['stay']);
    const keys = await h.client
      .send(
        new DeleteCustomMetadataCommand({
          AuthenticationToken: owner.token,
          ResourceId: documentId,
          Keys: Array.from({ length: 9 }, (_, i) => `k${i}`),
        }),
      )
      .catch((err: unknown) => err);
    expect(keys).toBeInstanceOf(InvalidArgumentException);
    expect((keys as InvalidArgumentException).message).toBe('Keys must have at most 8 items');
  });

  it('more than 20 labels on a resource is TooManyLabelsException (429) and adds none', async () => {
    const { documentId } = await newDocument();
    const eighteen = Array.from({ length: 18 }, (_, i) => `label-${i}`);
    await addLabels(documentId, eighteen);
    const e = await addLabels(documentId, ['label-0', 'new-1', 'new-2', 'new-3']).catch(
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(TooManyLabelsException);
    expect((e as TooManyLabelsException).$metadata.httpStatusCode).toBe(429);
    expect(await documentLabels(documentId)).toEqual(eighteen);
    await addLabels(documentId, ['label-0', 'new-1', 'new-2']);
    expect(await documentLabels(documentId)).toHaveLength(20);
  });

  it('a label outside the model pattern or length is InvalidArgument; an unknown resource EntityNotExists', async () => {
    const { documentId } = await newDocument();
    await expect(addLabels(documentId, ['no#hash'])).rejects.toBeInstanceOf(
      InvalidArgumentException,
    );
    await expect(addLabels(documentId, ['x'.repeat(33)])).rejects.toBeInstanceOf(
      InvalidArgumentException,
    );
    await expect(addLabels(documentId, [' leading-space'])).rejects.toBeInstanceOf(
      InvalidArgumentException,
    );
    const missing = await addLabels('no-such-resource', ['a']).catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(EntityNotExistsException);
    expect((missing as EntityNotExistsException).EntityIds).toEqual(['no-such-resource']);
  });

  it('a VIEWER may not label; a CONTRIBUTOR may', async () => {
    const { documentId } = await newDocument();
    const grant = (role: 'VIEWER' | 'CONTRIBUTOR') =>
      h.client.send(
        new AddResourcePermissionsCommand({
          AuthenticationToken: owner.token,
          ResourceId: documentId,
          Principals: [{ Id: carol.userId, Type: 'USER', Role: role }],
        }),
      );
    await grant('VIEWER');
    await expect(addLabels(documentId, ['by-carol'], carol.token)).rejects.toBeInstanceOf(
      UnauthorizedOperationException,
    );
    await grant('CONTRIBUTOR');
    await addLabels(documentId, ['by-carol'], carol.token);
    expect(await documentLabels(documentId)).toEqual(['by-carol']);
  });
});

describe('custom metadata', () => {
  function put(resourceId: string, metadata: Record<string, string>, versionId?: string) {
    return h.client.send(
      new CreateCustomMetadataCommand({
        AuthenticationToken: owner.token,
        ResourceId: resourceId,
        VersionId: versionId,
        CustomMetadata: metadata,
      }),
    );
  }

  function remove(
    resourceId: string,
    input: { Keys?: string[]; DeleteAll?: boolean; VersionId?: string },
  ) {
    return h.client.send(
      new DeleteCustomMetadataCommand({
        AuthenticationToken: owner.token,
        ResourceId: resourceId,
        ...input,
      }),
    );
  }

  async function ofDocument(documentId: string, include = true) {
    const out = await h.client.send(
      new GetDocumentCommand({
        AuthenticationToken: owner.token,
        DocumentId: documentId,
        IncludeCustomMetadata: include,
      }),
    );
    return out.CustomMetadata;
  }

  it('is set, replaced and shown by GetDocument only with IncludeCustomMetadata', async () => {
    const { documentId } = await newDocument();
    const out = await put(documentId, { project: 'apollo', 'cost.center': '42/7' });
    expect(out.$metadata.httpStatusCode).toBe(200);
    await put(documentId, { project: 'gemini' });
    expect(await ofDocument(documentId)).toEqual({ 'cost.center': '42/7', project: 'gemini' });
    expect(await ofDocument(documentId, false)).toBeUndefined();
  });

  it('a version and a folder have their own; GetDocumentVersion and GetFolder show them', async () => {
    const folderId = await createFolder(h.client, owner.token, owner.rootFolderId, 'with-metadata');
    const { documentId, versionId } = await newDocument(folderId);
    await put(documentId, { level: 'document' });
    await put(documentId, { level: 'version' }, versionId);
    await put(folderId, { level: 'folder' });
    const version = await h.client.send(
      new GetDocumentVersionCommand({
        AuthenticationToken: owner.token,
        DocumentId: documentId,
        VersionId: versionId,
        IncludeCustomMetadata: true,
      }),
    );
    expect(version.CustomMetadata).toEqual({ level: 'version' });
    expect(await ofDocument(documentId)).toEqual({ level: 'document' });
    const folder = await h.client.send(
      new GetFolderCommand({
        AuthenticationToken: owner.token,
        FolderId: folderId,
        IncludeCustomMetadata: true,
      }),
    );
    expect(folder.CustomMetadata).toEqual({ level: 'folder' });

    await remove(documentId, { VersionId: versionId, DeleteAll: true });
    const after = await h.client.send(
      new GetDocumentVersionCommand({
        AuthenticationToken: owner.token,
        DocumentId: documentId,
        VersionId: versionId,
        IncludeCustomMetadata: true,
      }),
    );
    expect(after.CustomMetadata).toBeUndefined();
    expect(await ofDocument(documentId)).toEqual({ level: 'document' });

    await expect(put(folderId, { a: 'b' }, versionId)).rejects.toBeInstanceOf(
      InvalidArgumentException,
    );
    await expect(put(documentId, { a: 'b' }, 'no-such-version')).rejects.toBeInstanceOf(
      EntityNotExistsException,
    );
  });

  it('DeleteCustomMetadata removes the named keys (repeated query parameter) or all of them', async () => {
    const { documentId } = await newDocument();
    await put(documentId, { a: '1', 'b c': '2', 'd/e': '3', f: '4' });
    const out = await remove(documentId, { Keys: ['b c', 'd/e', 'missing'] });
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(await ofDocument(documentId)).toEqual({ a: '1', f: '4' });
    await remove(documentId, { DeleteAll: true });
    expect(await ofDocument(documentId)).toBeUndefined();
    await expect(remove(documentId, {})).rejects.toBeInstanceOf(InvalidArgumentException);
  });

  it('more than 8 keys is CustomMetadataLimitExceededException (429) and changes nothing', async () => {
    const { documentId } = await newDocument();
    const six = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`k${i}`, `v${i}`]));
    await put(documentId, six);
    const e = await put(documentId, { k0: 'new', x: '1', y: '2', z: '3' }).catch(
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(CustomMetadataLimitExceededException);
    expect((e as CustomMetadataLimitExceededException).$metadata.httpStatusCode).toBe(429);
    expect(await ofDocument(documentId)).toEqual(six);
    // More than 8 in one request is refused by the model's limit on the map.
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`n${i}`, 'v']));
    await expect(put(documentId, nine)).rejects.toBeInstanceOf(InvalidArgumentException);
  });

  it('a recycled resource is ProhibitedState; a key outside the pattern InvalidArgument', async () => {
    const { documentId } = await newDocument();
    await expect(put(documentId, { 'bad#key': 'v' })).rejects.toBeInstanceOf(
      InvalidArgumentException,
    );
    await h.client.send(
      new UpdateDocumentCommand({
        AuthenticationToken: owner.token,
        DocumentId: documentId,
        ResourceState: 'RECYCLED',
      }),
    );
    await expect(put(documentId, { a: 'b' })).rejects.toBeInstanceOf(ProhibitedStateException);
    await expect(remove(documentId, { DeleteAll: true })).rejects.toBeInstanceOf(
      ProhibitedStateException,
    );
  });
});
