/**
 * Fixtures for the read tests: content created in WorkDocs Local through the official SDK (the
 * same wire protocol the gateway uses), so reads through the gateway see real data.
 */
import {
  CreateFolderCommand,
  CreateUserCommand,
  InitiateDocumentVersionUploadCommand,
  UpdateDocumentVersionCommand,
  WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import type { WorkDocsLocal } from '../../src/workdocs-local/index.js';

/** An SDK client for WorkDocs Local with its administrator key pair. */
export function sdkClient(local: WorkDocsLocal): WorkDocsClient {
  return new WorkDocsClient({
    endpoint: local.endpoint,
    region: local.region,
    credentials: { accessKeyId: local.accessKeyId, secretAccessKey: local.secretAccessKey },
    maxAttempts: 1,
  });
}

export interface UploadedDocument {
  documentId: string;
  versionId: string;
}

/** The whole upload flow: InitiateDocumentVersionUpload → PUT the bytes → activate the version. */
export async function uploadDocument(
  client: WorkDocsClient,
  token: string,
  parentFolderId: string,
  name: string,
  bytes: Buffer,
  contentType = 'application/octet-stream',
  /** An existing document, to upload a new version of it. */
  existingDocumentId?: string,
): Promise<UploadedDocument> {
  const init = await client.send(
    new InitiateDocumentVersionUploadCommand({
      AuthenticationToken: token,
      Id: existingDocumentId,
      ParentFolderId: parentFolderId,
      Name: name,
      ContentType: contentType,
      DocumentSizeInBytes: bytes.length,
    }),
  );
  const documentId = init.Metadata?.Id;
  const versionId = init.Metadata?.LatestVersionMetadata?.Id;
  const url = init.UploadMetadata?.UploadUrl;
  if (!documentId || !versionId || !url)
    throw new Error('InitiateDocumentVersionUpload: no ids/URL');
  const put = await fetch(url, {
    method: 'PUT',
    headers: init.UploadMetadata?.SignedHeaders ?? {},
    body: bytes,
  });
  if (!put.ok) throw new Error(`PUT ${String(put.status)}: ${await put.text()}`);
  await client.send(
    new UpdateDocumentVersionCommand({
      AuthenticationToken: token,
      DocumentId: documentId,
      VersionId: versionId,
      VersionStatus: 'ACTIVE',
    }),
  );
  return { documentId, versionId };
}

export async function createFolder(
  client: WorkDocsClient,
  token: string,
  parentFolderId: string,
  name: string,
): Promise<string> {
  const out = await client.send(
    new CreateFolderCommand({
      AuthenticationToken: token,
      ParentFolderId: parentFolderId,
      Name: name,
    }),
  );
  if (!out.Metadata?.Id) throw new Error('CreateFolder: no id');
  return out.Metadata.Id;
}

export interface TestUser {
  userId: string;
  username: string;
  rootFolderId: string;
  token: string;
}

/** Creates a user with SDK `CreateUser` (administrator credentials), then issues them a token. */
export async function createUser(
  client: WorkDocsClient,
  local: WorkDocsLocal,
  username: string,
): Promise<TestUser> {
  const out = await client.send(
    new CreateUserCommand({
      Username: username,
      GivenName: `Given ${username}`,
      Surname: `Surname ${username}`,
      Password: 'correct-horse-1',
      EmailAddress: `${username}@example.com`,
    }),
  );
  const user = out.User;
  if (!user?.Id || !user.RootFolderId) throw new Error('CreateUser: no id/root folder');
  return {
    userId: user.Id,
    username,
    rootFolderId: user.RootFolderId,
    token: local.issueToken(user.Id),
  };
}
