/**
 * Per-request DataLoaders over WorkDocs reads.
 *
 * `createLoaders(...)` is called once per GraphQL request by the context factory: the loaders (and
 * their caches) live exactly as long as that request and act with that request's token, so nothing
 * is ever shared across requests or users.
 *
 * - `users`: batched through ONE `DescribeUsers` call per batch (`userIds` comma-separated). A batch
 *   is split so that the `userIds` string stays within the model's 2000 characters and `limit`
 *   within 999; results are mapped back by id, a missing user is `null`.
 * - `documents` (GetDocument), `folders` (GetFolder), `documentVersion` (GetDocumentVersion, keyed
 *   with whether the SOURCE download URLs are wanted), `documentVersions` (DescribeDocumentVersions,
 *   every page): de-duplicated and cached within the request. Callers prime `documents`/`folders`
 *   with items they already hold (a folder listing, root folders), so those cost no extra call.
 * - Concurrency: every call goes through the request's `WorkDocsCaller`, which holds at most
 *   `GATEWAY_MAX_CONCURRENT_UPSTREAM_CALLS` in flight for the whole request, so a request with 50
 *   entities never fans out into 50 simultaneous calls.
 * - Tokens: the inputs carry the request's token explicitly (`WorkDocsCaller.send` would inject it
 *   too), so the loaders also work over a bare `WorkDocsClient`.
 *
 * User batches are dispatched on `setImmediate` rather than DataLoader's default next tick, so that
 * `creator` fields of entities that resolve in the same turn of the event loop (50 `_entities`, a
 * page of a folder) land in one `DescribeUsers` call.
 */
import DataLoader from 'dataloader';
import {
  DescribeDocumentVersionsCommand,
  DescribeFolderContentsCommand,
  DescribeRootFoldersCommand,
  DescribeUsersCommand,
  GetCurrentUserCommand,
  GetDocumentCommand,
  GetDocumentVersionCommand,
  GetFolderCommand,
} from '@aws-sdk/client-workdocs';
import type {
  DescribeDocumentVersionsCommandOutput,
  DescribeFolderContentsCommandOutput,
  DescribeFolderContentsRequest,
  DescribeRootFoldersCommandOutput,
  DescribeUsersCommandOutput,
  DocumentMetadata,
  DocumentVersionMetadata,
  FolderMetadata,
  GetCurrentUserCommandOutput,
  GetDocumentCommandOutput,
  GetDocumentVersionCommandOutput,
  GetFolderCommandOutput,
  User,
} from '@aws-sdk/client-workdocs';
import { USER_ID_PATTERN } from './validation.js';

/** The model's limits on `DescribeUsers`: `userIds` 1–2000 characters, `limit` 1–999. */
export const DESCRIBE_USERS_MAX_IDS_CHARS = 2000;
export const DESCRIBE_USERS_MAX_LIMIT = 999;
/** The model's `LimitType` maximum, used for every "all pages" read. */
const PAGE_LIMIT = 999;

/**
 * What the loaders need from the request's WorkDocs caller: the promise form of
 * `WorkDocsClient.send` for the read commands they issue. B's `WorkDocsCaller` (and a bare
 * `WorkDocsClient`) satisfy it.
 */
export interface ReadSender {
  send(command: GetDocumentCommand): Promise<GetDocumentCommandOutput>;
  send(command: GetFolderCommand): Promise<GetFolderCommandOutput>;
  send(command: GetDocumentVersionCommand): Promise<GetDocumentVersionCommandOutput>;
  send(command: DescribeDocumentVersionsCommand): Promise<DescribeDocumentVersionsCommandOutput>;
  send(command: DescribeUsersCommand): Promise<DescribeUsersCommandOutput>;
  send(command: DescribeFolderContentsCommand): Promise<DescribeFolderContentsCommandOutput>;
  send(command: DescribeRootFoldersCommand): Promise<DescribeRootFoldersCommandOutput>;
  send(command: GetCurrentUserCommand): Promise<GetCurrentUserCommandOutput>;
}

/** Splits user ids into `DescribeUsers` batches within the model's `userIds`/`limit` limits. */
export function splitUserIdBatches(
  ids: readonly string[],
  maxChars: number = DESCRIBE_USERS_MAX_IDS_CHARS,
  maxCount: number = DESCRIBE_USERS_MAX_LIMIT,
): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const id of ids) {
    const added = current.length === 0 ? id.length : id.length + 1; // + the comma
    if (current.length > 0 && (chars + added > maxChars || current.length >= maxCount)) {
      batches.push(current);
      current = [];
      chars = 0;
    }
    current.push(id);
    chars += current.length === 1 ? id.length : id.length + 1;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The key of a `documentVersion` load. */
export interface DocumentVersionKey {
  documentId: string;
  versionId: string;
  /** Whether the signed download URLs (`fields=SOURCE`) are wanted. */
  withSource: boolean;
}

export interface Loaders {
  /** Users by id (DescribeUsers, batched); `null` where a user does not exist. */
  users: DataLoader<string, User | null>;
  /** Documents by id (GetDocument); rejects with the upstream error (e.g. ENTITY_NOT_EXISTS). */
  documents: DataLoader<string, DocumentMetadata>;
  /** Folders by id (GetFolder); rejects with the upstream error. */
  folders: DataLoader<string, FolderMetadata>;
  /** One version of a document (GetDocumentVersion). */
  documentVersion: DataLoader<DocumentVersionKey, DocumentVersionMetadata, string>;
  /** Every version of a document, newest first, INITIALIZED ones included (all pages). */
  documentVersions: DataLoader<string, DocumentVersionMetadata[]>;
  /**
   * One page of a folder (DescribeFolderContents); primes `documents` and `folders` with what it
   * returns, so resolving those items again costs no call.
   */
  folderContents: (input: Omit<DescribeFolderContentsRequest, 'AuthenticationToken'>) => Promise<{
    folders: FolderMetadata[];
    documents: DocumentMetadata[];
    marker: string | undefined;
  }>;
  /** The caller's root folders (DescribeRootFolders, all pages); primes `folders`. */
  rootFolders: () => Promise<FolderMetadata[]>;
  /** The calling user (GetCurrentUser, once per request); primes `users`. */
  currentUser: () => Promise<User>;
}

export interface CreateLoadersOptions {
  /** The request's WorkDocs caller. */
  workdocs: ReadSender;
  /** The caller's WorkDocs token (forwarded as `AuthenticationToken`), if any. */
  authenticationToken: string | undefined;
  /**
   * false = no batching and no caching: every load is its own call (default true). Only for
   * `npm run bench`, which reports the upstream calls per query with DataLoader on and off.
   */
  batchAndCache?: boolean;
}

/** Whether `err` is WorkDocs' "does not exist", in the gateway's normalized form or the SDK's. */
export function isEntityNotExists(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; name?: unknown; exceptionName?: unknown };
  return (
    e.code === 'ENTITY_NOT_EXISTS' ||
    e.name === 'EntityNotExistsException' ||
    e.exceptionName === 'EntityNotExistsException'
  );
}

const immediate = (fn: () => void): void => {
  setImmediate(fn);
};

/** Creates the loaders of ONE request. Never cache the result beyond that request. */
export function createLoaders(options: CreateLoadersOptions): Loaders {
  const { workdocs, authenticationToken } = options;
  const AuthenticationToken = authenticationToken;
  const on = options.batchAndCache ?? true;
  /** DataLoader options: as given, or (benchmark only) no batching and no cache. */
  const opts = <T extends object>(o: T): T & { batch?: false; cache?: false } =>
    on ? o : { ...o, batch: false, cache: false };

  /** Settles every key independently: one failure does not fail the other keys of the batch. */
  const settleEach = async <K, V>(
    keys: readonly K[],
    one: (key: K) => Promise<V>,
  ): Promise<(V | Error)[]> => {
    const settled = await Promise.allSettled(keys.map(one));
    return settled.map((s) =>
      s.status === 'fulfilled'
        ? s.value
        : s.reason instanceof Error
          ? s.reason
          : new Error(String(s.reason)),
    );
  };

  const describeUsers = async (ids: string[]): Promise<User[]> => {
    const users: User[] = [];
    let Marker: string | undefined;
    do {
      const out = await workdocs.send(
        new DescribeUsersCommand({
          AuthenticationToken,
          UserIds: ids.join(','),
          // Deactivated users too (a document's creator may have left), and always their storage,
          // so `User.storage` does not depend on how the user was loaded.
          Include: 'ALL',
          Fields: 'STORAGE_METADATA',
          Limit: Math.min(ids.length, DESCRIBE_USERS_MAX_LIMIT),
          Marker,
        }),
      );
      users.push(...(out.Users ?? []));
      Marker = out.Marker;
    } while (Marker);
    return users;
  };

  /** One batch of ids → the users by id; a batch WorkDocs refuses as "not found" is retried per id. */
  const loadUserBatch = async (ids: string[]): Promise<Map<string, User | Error>> => {
    const byId = new Map<string, User | Error>();
    try {
      for (const user of await describeUsers(ids)) if (user.Id) byId.set(user.Id, user);
    } catch (err) {
      if (!isEntityNotExists(err) || ids.length === 1) {
        if (isEntityNotExists(err)) return byId;
        const error = err instanceof Error ? err : new Error(String(err));
        for (const id of ids) byId.set(id, error);
        return byId;
      }
      // Some WorkDocs deployments refuse the whole batch when one id is unknown: fall back to
      // one call per id so the others still resolve.
      const single = await Promise.all(ids.map((id) => loadUserBatch([id])));
      for (const m of single) for (const [k, v] of m) byId.set(k, v);
    }
    return byId;
  };

  const users = new DataLoader<string, User | null>(
    async (ids) => {
      // An id that cannot be a WorkDocs user id (e.g. one with a comma, which would split the
      // `userIds` list) names no user: null, without a call.
      const valid = [...new Set(ids.filter((id) => USER_ID_PATTERN.test(id)))];
      const maps = await Promise.all(splitUserIdBatches(valid).map(loadUserBatch));
      const byId = new Map<string, User | Error>();
      for (const m of maps) for (const [k, v] of m) byId.set(k, v);
      return ids.map((id) => byId.get(id) ?? null);
    },
    opts({ batchScheduleFn: immediate, maxBatchSize: 10_000 }),
  );

  const documents = new DataLoader<string, DocumentMetadata>(
    (ids) =>
      settleEach(ids, async (DocumentId) => {
        const out = await workdocs.send(
          new GetDocumentCommand({ AuthenticationToken, DocumentId }),
        );
        if (!out.Metadata) throw new Error(`GetDocument returned no metadata for ${DocumentId}`);
        return out.Metadata;
      }),
    opts({}),
  );

  const folders = new DataLoader<string, FolderMetadata>(
    (ids) =>
      settleEach(ids, async (FolderId) => {
        const out = await workdocs.send(new GetFolderCommand({ AuthenticationToken, FolderId }));
        if (!out.Metadata) throw new Error(`GetFolder returned no metadata for ${FolderId}`);
        return out.Metadata;
      }),
    opts({}),
  );

  const documentVersion = new DataLoader<DocumentVersionKey, DocumentVersionMetadata, string>(
    (keys) =>
      settleEach(keys, async ({ documentId, versionId, withSource }) => {
        const out = await workdocs.send(
          new GetDocumentVersionCommand({
            AuthenticationToken,
            DocumentId: documentId,
            VersionId: versionId,
            Fields: withSource ? 'SOURCE' : undefined,
          }),
        );
        if (!out.Metadata)
          throw new Error(`GetDocumentVersion returned no metadata for ${versionId}`);
        return out.Metadata;
      }),
    opts({
      cacheKeyFn: (k: DocumentVersionKey) =>
        `${k.documentId}\u0000${k.versionId}\u0000${k.withSource ? 'S' : ''}`,
    }),
  );

  const documentVersions = new DataLoader<string, DocumentVersionMetadata[]>(
    (ids) =>
      Promise.all(
        ids.map(async (DocumentId) => {
          try {
            const all: DocumentVersionMetadata[] = [];
            let Marker: string | undefined;
            do {
              const out = await workdocs.send(
                new DescribeDocumentVersionsCommand({
                  AuthenticationToken,
                  DocumentId,
                  Include: 'INITIALIZED',
                  Limit: PAGE_LIMIT,
                  Marker,
                }),
              );
              all.push(...(out.DocumentVersions ?? []));
              Marker = out.Marker;
            } while (Marker);
            return all;
          } catch (err) {
            return err instanceof Error ? err : new Error(String(err));
          }
        }),
      ),
    opts({}),
  );

  const primeDocument = (doc: DocumentMetadata): void => {
    if (doc.Id) documents.prime(doc.Id, doc);
  };
  const primeFolder = (folder: FolderMetadata): void => {
    if (folder.Id) folders.prime(folder.Id, folder);
  };

  const folderContents: Loaders['folderContents'] = async (input) => {
    const out = await workdocs.send(
      new DescribeFolderContentsCommand({ ...input, AuthenticationToken }),
    );
    const result = {
      folders: out.Folders ?? [],
      documents: out.Documents ?? [],
      marker: out.Marker,
    };
    result.folders.forEach(primeFolder);
    result.documents.forEach(primeDocument);
    return result;
  };

  const rootFolders: Loaders['rootFolders'] = async () => {
    const all: FolderMetadata[] = [];
    let Marker: string | undefined;
    do {
      const out = await workdocs.send(
        new DescribeRootFoldersCommand({ AuthenticationToken, Limit: PAGE_LIMIT, Marker }),
      );
      all.push(...(out.Folders ?? []));
      Marker = out.Marker;
    } while (Marker);
    all.forEach(primeFolder);
    return all;
  };

  let me: Promise<User> | undefined;
  const currentUser: Loaders['currentUser'] = () => {
    if (!on) me = undefined;
    me ??= workdocs.send(new GetCurrentUserCommand({ AuthenticationToken })).then((out) => {
      if (!out.User) throw new Error('GetCurrentUser returned no user');
      if (out.User.Id) users.prime(out.User.Id, out.User);
      return out.User;
    });
    return me;
  };

  return {
    users,
    documents,
    folders,
    documentVersion,
    documentVersions,
    folderContents,
    rootFolders,
    currentUser,
  };
}
