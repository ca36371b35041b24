/**
 * WorkDocs content for tests, made through the official SDK over real HTTP (the same wire protocol
 * the gateway uses), and the PUT to a signed upload URL.
 *
 *   const client = sdkClient(local);
 *   const folderId = await createFolder(client, token, local.demoRootFolderId, 'Reports');
 *   const { documentId, versionId } = await uploadDocument(client, token, {
 *     parentFolderId: folderId,
 *     name: 'report.txt',
 *     body: 'hello',
 *     contentType: 'text/plain',
 *   });
 */
import {
  CreateFolderCommand,
  CreateUserCommand,
  InitiateDocumentVersionUploadCommand,
  UpdateDocumentVersionCommand,
  WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import type { UpdateDocumentVersionCommandOutput } from '@aws-sdk/client-workdocs';
import { pino } from 'pino';
import { expect } from 'vitest';
import { startWorkDocsLocal } from '../../src/workdocs-local/index.js';
import { testDatabaseUrl } from './database.js';
import { checkResponsesAgainstModel } from './model-shape.js';
import type { WorkDocsLocal, WorkDocsLocalOptions } from '../../src/workdocs-local/index.js';

/** On PostgreSQL: one database per data dir, so that a restart on the same data dir finds its data. */
const databases = new Map<string, Promise<string | undefined>>();

function databaseFor(dataDir: string): Promise<string | undefined> {
  let url = databases.get(dataDir);
  if (url === undefined) {
    url = testDatabaseUrl();
    databases.set(dataDir, url);
  }
  return url;
}

/**
 * WorkDocs Local as tests run it: 127.0.0.1, port 0, the chaos API on, silent logs, every response
 * checked against the model's output shape (`checkResponses`), data in `dataDir` (metadata in a
 * fresh PostgreSQL database when the tests run on PostgreSQL, see database.ts); `options` override
 * any of these.
 */
export async function startTestWorkDocsLocal(
  dataDir: string,
  options: Partial<WorkDocsLocalOptions> = {},
): Promise<WorkDocsLocal> {
  return startWorkDocsLocal({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    chaos: true,
    logger: pino({ level: 'silent' }),
    databaseUrl: options.databaseUrl ?? (await databaseFor(dataDir)),
    checkResponses: true,
    ...options,
  });
}

/**
 * An SDK client for WorkDocs Local, by default with its administrator key pair; no retries. It
 * checks every response against the WorkDocs model (`checkResponsesAgainstModel`): a response
 * that does not fit its output or exception shape makes the call reject.
 */
export function sdkClient(
  local: WorkDocsLocal,
  credentials = { accessKeyId: local.accessKeyId, secretAccessKey: local.secretAccessKey },
): WorkDocsClient {
  const client = new WorkDocsClient({
    endpoint: local.endpoint,
    region: local.region,
    credentials,
    maxAttempts: 1,
  });
  checkResponsesAgainstModel(client);
  return client;
}

/**
 * PUTs `body` to a signed upload URL with its signed headers, as WorkDocs returns them (a map) or
 * as the gateway returns them (a list of `{ name, value }`). Returns the response unread.
 */
export function putToUploadUrl(
  url: string | URL,
  signedHeaders: Record<string, string> | readonly SignedHeader[],
  body: string | Buffer,
): Promise<Response> {
  const headers = isHeaderList(signedHeaders)
    ? Object.fromEntries(signedHeaders.map((h) => [h.name, h.value]))
    : signedHeaders;
  // A Uint8Array view: a BodyInit under both Node's and the DOM's typings (examples/web's tests).
  const payload = typeof body === 'string' ? body : new Uint8Array(body);
  return fetch(url, { method: 'PUT', headers, body: payload });
}

/** A signed header as the GraphQL schema lists it. */
export interface SignedHeader {
  name: string;
  value: string;
}

function isHeaderList(
  headers: Record<string, string> | readonly SignedHeader[],
): headers is readonly SignedHeader[] {
  return Array.isArray(headers);
}

/** UpdateDocumentVersion with VersionStatus ACTIVE: the last step of the upload flow. */
export function activateVersion(
  client: WorkDocsClient,
  token: string,
  documentId: string,
  versionId: string,
): Promise<UpdateDocumentVersionCommandOutput> {
  return client.send(
    new UpdateDocumentVersionCommand({
      AuthenticationToken: token,
      DocumentId: documentId,
      VersionId: versionId,
      VersionStatus: 'ACTIVE',
    }),
  );
}

export interface UploadInput {
  /** The folder of a new document (WorkDocs also takes it along with `documentId`). */
  parentFolderId?: string;
  /** An existing document, to upload a new version of it. */
  documentId?: string;
  name?: string;
  body: string | Buffer;
  /** Default `application/octet-stream`. */
  contentType?: string;
  /** Send the body's length as `DocumentSizeInBytes` (default); `false` leaves the size open. */
  declareSize?: boolean;
}

export interface UploadedDocument {
  documentId: string;
  versionId: string;
}

/**
 * The whole upload flow through the official SDK: InitiateDocumentVersionUpload → PUT the bytes
 * with the signed headers (must answer 200) → UpdateDocumentVersion ACTIVE. A WorkDocs exception
 * of any step rejects with the SDK's exception class.
 */
export async function uploadDocument(
  client: WorkDocsClient,
  token: string,
  input: UploadInput,
): Promise<UploadedDocument> {
  const init = await client.send(
    new InitiateDocumentVersionUploadCommand({
      AuthenticationToken: token,
      Id: input.documentId,
      ParentFolderId: input.parentFolderId,
      Name: input.name,
      ContentType: input.contentType ?? 'application/octet-stream',
      DocumentSizeInBytes: input.declareSize === false ? undefined : Buffer.byteLength(input.body),
    }),
  );
  const documentId = init.Metadata?.Id;
  const versionId = init.Metadata?.LatestVersionMetadata?.Id;
  const url = init.UploadMetadata?.UploadUrl;
  if (!documentId || !versionId || !url) {
    throw new Error('InitiateDocumentVersionUpload answered without ids or an upload URL');
  }
  const put = await putToUploadUrl(url, init.UploadMetadata?.SignedHeaders ?? {}, input.body);
  expect(put.status, `PUT to the upload URL: ${await put.text()}`).toBe(200);
  await activateVersion(client, token, documentId, versionId);
  return { documentId, versionId };
}

/** CreateFolder; returns the new folder's id. */
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
  if (!out.Metadata?.Id) throw new Error('CreateFolder answered without an id');
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
    token: await local.issueToken(user.Id),
  };
}
