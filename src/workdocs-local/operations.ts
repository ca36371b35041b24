/**
 * The implemented WorkDocs operations. Each handler takes the validated input (member names as in
 * the model) and returns the output structure (serialized by `toWire`). Access rule: a user
 * reaches only resources they own (another user's resource → UnauthorizedOperationException);
 * requests without a token act as the organization's administrator and reach everything.
 */
import { WorkDocsError, entityNotExists, invalidArgument, prohibited } from './errors.js';
import type { Input } from './model.js';
import type { DocumentRow, FolderRow, Store, UserRow, VersionRow } from './store.js';
import { newVersionId } from './store.js';
import { downloadUrl, uploadUrl } from './urls.js';

export interface OpContext {
  store: Store;
  /** The caller; undefined = the organization's administrator (SigV4 without a token). */
  user: UserRow | undefined;
  organizationId: string;
  now: number;
  urlBase: string;
  urlKey: Buffer;
  urlTtlSeconds: number;
  folderChildLimit: number;
  defaultStorageBytes: number | undefined;
  /** Blobs to delete once the metadata change is committed. */
  blobsToDelete: string[];
}

export type Handler = (input: Input, ctx: OpContext) => unknown;

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
const RECYCLED_STATES = new Set(['RECYCLED', 'RECYCLING']);

function str(input: Input, name: string): string | undefined {
  const v = input[name];
  return typeof v === 'string' ? v : undefined;
}

function num(input: Input, name: string): number | undefined {
  const v = input[name];
  return typeof v === 'number' ? v : undefined;
}

function date(input: Input, name: string): Date | undefined {
  const v = input[name];
  return v instanceof Date ? v : undefined;
}

function fieldList(value: string | undefined): Set<string> {
  return new Set(
    (value ?? '')
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter((s) => s.length > 0),
  );
}

function requireToken(ctx: OpContext, operation: string): UserRow {
  if (!ctx.user) {
    throw new WorkDocsError(
      'UnauthorizedResourceAccessException',
      `${operation} requires the Authentication header (a user token)`,
    );
  }
  return ctx.user;
}

/** What a caller wants to do with a resource. */
export type Access = 'read' | 'write' | 'share';

const ROLE_ACCESS: Record<string, readonly Access[]> = {
  VIEWER: ['read'],
  CONTRIBUTOR: ['read', 'write'],
  COOWNER: ['read', 'write', 'share'],
  OWNER: ['read', 'write', 'share'],
};

/**
 * Owners and the administrator may do anything; others need a share (on the resource or a
 * folder above it) whose role allows `access`.
 */
function checkAccess(
  ctx: OpContext,
  ownerId: string,
  chain: () => string[],
  access: Access,
  what: string,
): void {
  if (ctx.user === undefined || ctx.user.id === ownerId) return;
  const roles = ctx.store.rolesOn(ctx.user.id, chain());
  if (roles.some((r) => ROLE_ACCESS[r]?.includes(access) === true)) return;
  throw new WorkDocsError(
    'UnauthorizedOperationException',
    `The caller may not ${access === 'read' ? 'access' : access} ${what}`,
  );
}

function requireFolder(ctx: OpContext, id: string, access: Access = 'read'): FolderRow {
  const folder = ctx.store.getFolder(id);
  if (!folder) throw entityNotExists(id);
  checkAccess(ctx, folder.owner_id, () => ctx.store.folderChain(id), access, `folder ${id}`);
  return folder;
}

function requireWritableFolder(ctx: OpContext, id: string): FolderRow {
  const folder = requireFolder(ctx, id, 'write');
  if (RECYCLED_STATES.has(folder.resource_state)) {
    throw prohibited(`Folder ${id} is ${folder.resource_state}`);
  }
  return folder;
}

function requireDocument(ctx: OpContext, id: string, access: Access = 'read'): DocumentRow {
  const doc = ctx.store.getDocument(id);
  if (!doc) throw entityNotExists(id);
  checkAccess(
    ctx,
    doc.owner_id,
    () => [id, ...ctx.store.folderChain(doc.parent_id)],
    access,
    `document ${id}`,
  );
  return doc;
}

function requireVersion(ctx: OpContext, doc: DocumentRow, versionId: string): VersionRow {
  const v = ctx.store.getVersion(doc.id, versionId);
  if (!v) throw entityNotExists(versionId);
  return v;
}

const d = (ms: number | null): Date | undefined => (ms === null ? undefined : new Date(ms));

function folderOut(f: FolderRow): Record<string, unknown> {
  return {
    Id: f.id,
    Name: f.name ?? undefined,
    CreatorId: f.creator_id,
    ParentFolderId: f.parent_id ?? undefined,
    CreatedTimestamp: d(f.created_ms),
    ModifiedTimestamp: d(f.modified_ms),
    ResourceState: f.resource_state,
    Labels: [],
  };
}

function versionOut(ctx: OpContext, v: VersionRow, withSource: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Id: v.id,
    Name: v.name,
    ContentType: v.content_type,
    Size: v.blob_size ?? v.declared_size ?? undefined,
    Signature: v.signature ?? undefined,
    Status: v.status,
    CreatedTimestamp: d(v.created_ms),
    ModifiedTimestamp: d(v.modified_ms),
    ContentCreatedTimestamp: d(v.content_created_ms),
    ContentModifiedTimestamp: d(v.content_modified_ms),
    CreatorId: v.creator_id,
  };
  if (withSource && v.blob !== null) {
    out.Source = {
      ORIGINAL: downloadUrl(ctx.urlBase, ctx.urlKey, {
        documentId: v.document_id,
        versionId: v.id,
        expires: Math.floor(ctx.now / 1000) + ctx.urlTtlSeconds,
      }),
    };
  }
  return out;
}

function documentOut(
  ctx: OpContext,
  doc: DocumentRow,
  latest?: VersionRow,
): Record<string, unknown> {
  const v = latest ?? ctx.store.latestVersion(doc.id);
  return {
    Id: doc.id,
    CreatorId: doc.creator_id,
    ParentFolderId: doc.parent_id,
    CreatedTimestamp: d(doc.created_ms),
    ModifiedTimestamp: d(doc.modified_ms),
    LatestVersionMetadata: v ? versionOut(ctx, v, false) : undefined,
    ResourceState: doc.resource_state,
    Labels: [],
  };
}

function storageRule(u: UserRow): Record<string, unknown> {
  return u.storage_type === 'QUOTA'
    ? { StorageType: 'QUOTA', StorageAllocatedInBytes: u.storage_allocated ?? 0 }
    : { StorageType: 'UNLIMITED' };
}

function userOut(ctx: OpContext, u: UserRow, withStorage: boolean): Record<string, unknown> {
  return {
    Id: u.id,
    Username: u.username,
    EmailAddress: u.email ?? undefined,
    GivenName: u.given_name,
    Surname: u.surname,
    OrganizationId: u.organization_id,
    RootFolderId: u.root_folder_id,
    RecycleBinFolderId: u.recycle_bin_folder_id,
    Status: u.status,
    Type: u.type,
    CreatedTimestamp: d(u.created_ms),
    ModifiedTimestamp: d(u.modified_ms),
    TimeZoneId: u.time_zone_id ?? undefined,
    Locale: u.locale ?? undefined,
    Storage: withStorage
      ? { StorageUtilizedInBytes: ctx.store.storageUtilized(u.id), StorageRule: storageRule(u) }
      : undefined,
  };
}

// ---- paging ----

function decodeMarker(marker: string | undefined): number {
  if (marker === undefined) return 0;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'o' in parsed &&
      typeof parsed.o === 'number' &&
      Number.isSafeInteger(parsed.o) &&
      parsed.o >= 0
    ) {
      return parsed.o;
    }
  } catch {
    // fall through
  }
  throw invalidArgument('Marker is not a marker this service issued');
}

function page<T>(items: T[], input: Input): { items: T[]; marker: string | undefined } {
  const offset = decodeMarker(str(input, 'Marker'));
  const limit = num(input, 'Limit') ?? 100;
  const slice = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? offset + limit : undefined;
  return {
    items: slice,
    marker:
      next === undefined
        ? undefined
        : Buffer.from(JSON.stringify({ o: next })).toString('base64url'),
  };
}

// ---- quota ----

function checkQuota(ctx: OpContext, ownerId: string, declared: number | undefined): void {
  const owner = ctx.store.getUser(ownerId);
  if (owner?.storage_type !== 'QUOTA') return;
  const allocated = owner.storage_allocated ?? 0;
  const used = ctx.store.storageUtilized(owner.id);
  if (used > allocated || (used === allocated && declared !== 0)) {
    throw new WorkDocsError(
      'StorageLimitExceededException',
      `The storage limit of ${allocated} bytes has been exceeded (${used} bytes used)`,
    );
  }
  if (declared !== undefined && used + declared > allocated) {
    throw new WorkDocsError(
      'StorageLimitWillExceedException',
      `Uploading ${declared} bytes would exceed the storage limit of ${allocated} bytes (${used} bytes used)`,
    );
  }
}

// ---- handlers ----

const initiateDocumentVersionUpload: Handler = (input, ctx) => {
  const id = str(input, 'Id');
  const name = str(input, 'Name');
  const parentFolderId = str(input, 'ParentFolderId');
  const contentType = str(input, 'ContentType') ?? DEFAULT_CONTENT_TYPE;
  const declared = num(input, 'DocumentSizeInBytes');
  if (declared !== undefined && declared < 0) {
    throw invalidArgument('DocumentSizeInBytes must not be negative');
  }
  const versionId = newVersionId(ctx.now);
  const version = {
    id: versionId,
    content_type: contentType,
    declared_size: declared ?? null,
    status: 'INITIALIZED',
    signature: null,
    blob: null,
    blob_size: null,
    creator_id: '',
    created_ms: ctx.now,
    modified_ms: ctx.now,
    content_created_ms: date(input, 'ContentCreatedTimestamp')?.getTime() ?? null,
    content_modified_ms: date(input, 'ContentModifiedTimestamp')?.getTime() ?? null,
  };
  let document: DocumentRow;
  let created: VersionRow;
  if (id !== undefined) {
    const doc = requireDocument(ctx, id, 'write');
    const parent = ctx.store.getFolder(doc.parent_id);
    if (parent && RECYCLED_STATES.has(parent.resource_state)) {
      throw prohibited(`Folder ${parent.id} is ${parent.resource_state}`);
    }
    if (RECYCLED_STATES.has(doc.resource_state)) {
      throw prohibited(`Document ${id} is ${doc.resource_state}`);
    }
    if (
      name !== undefined &&
      name !== doc.name &&
      ctx.store.documentNameTaken(doc.parent_id, name)
    ) {
      throw new WorkDocsError(
        'EntityAlreadyExistsException',
        `A document with this name already exists in folder ${doc.parent_id}`,
      );
    }
    checkQuota(ctx, doc.owner_id, declared);
    created = ctx.store.addVersion(doc.id, {
      ...version,
      name: name ?? doc.name,
      creator_id: ctx.user?.id ?? doc.owner_id,
    });
    document = doc;
  } else {
    if (parentFolderId === undefined) {
      throw invalidArgument('ParentFolderId is required when Id is not given');
    }
    if (name === undefined) throw invalidArgument('Name is required when Id is not given');
    const folder = requireWritableFolder(ctx, parentFolderId);
    if (ctx.store.childCount(folder.id) >= ctx.folderChildLimit) {
      throw new WorkDocsError(
        'LimitExceededException',
        `Folder ${folder.id} already has the maximum of ${ctx.folderChildLimit} children`,
      );
    }
    if (ctx.store.documentNameTaken(folder.id, name)) {
      throw new WorkDocsError(
        'EntityAlreadyExistsException',
        `A document with this name already exists in folder ${folder.id}`,
      );
    }
    checkQuota(ctx, folder.owner_id, declared);
    const creatorId = ctx.user?.id ?? folder.owner_id;
    const result = ctx.store.createDocumentWithVersion(
      {
        name,
        creator_id: creatorId,
        owner_id: folder.owner_id,
        parent_id: folder.id,
        resource_state: 'ACTIVE',
        created_ms: ctx.now,
        modified_ms: ctx.now,
      },
      { ...version, name, creator_id: creatorId },
    );
    document = result.document;
    created = result.version;
  }
  return {
    Metadata: documentOut(ctx, document, created),
    UploadMetadata: {
      UploadUrl: uploadUrl(ctx.urlBase, ctx.urlKey, {
        documentId: document.id,
        versionId: created.id,
        expires: Math.floor(ctx.now / 1000) + ctx.urlTtlSeconds,
        contentType,
        declaredSize: declared ?? null,
      }),
      SignedHeaders: { 'Content-Type': contentType, 'x-amz-server-side-encryption': 'AES256' },
    },
  };
};

const updateDocumentVersion: Handler = (input, ctx) => {
  const doc = requireDocument(ctx, str(input, 'DocumentId') ?? '', 'write');
  const v = requireVersion(ctx, doc, str(input, 'VersionId') ?? '');
  const status = str(input, 'VersionStatus');
  if (status === undefined) return {};
  if (v.status !== 'INITIALIZED') {
    throw prohibited(`Version ${v.id} is ${v.status}, not INITIALIZED`);
  }
  if (v.blob === null) {
    throw prohibited(`No bytes have been uploaded for version ${v.id}`);
  }
  // The version renames the document: the name may have been taken since it was initiated.
  if (v.name !== doc.name && ctx.store.documentNameTaken(doc.parent_id, v.name)) {
    throw new WorkDocsError(
      'EntityAlreadyExistsException',
      `A document with this name already exists in folder ${doc.parent_id}`,
    );
  }
  ctx.store.activateVersion(v.seq, doc.id, v.name, ctx.now);
  return {};
};

const abortDocumentVersionUpload: Handler = (input, ctx) => {
  const doc = requireDocument(ctx, str(input, 'DocumentId') ?? '', 'write');
  const v = requireVersion(ctx, doc, str(input, 'VersionId') ?? '');
  if (v.status !== 'INITIALIZED') {
    throw prohibited(`Version ${v.id} is ${v.status}; only an INITIALIZED version can be aborted`);
  }
  ctx.store.deleteVersion(v.seq, doc.id);
  if (v.blob !== null) ctx.blobsToDelete.push(v.blob);
  return {};
};

const getDocument: Handler = (input, ctx) => {
  const doc = requireDocument(ctx, str(input, 'DocumentId') ?? '');
  return { Metadata: documentOut(ctx, doc) };
};

const getDocumentVersion: Handler = (input, ctx) => {
  const doc = requireDocument(ctx, str(input, 'DocumentId') ?? '');
  const v = requireVersion(ctx, doc, str(input, 'VersionId') ?? '');
  const fields = fieldList(str(input, 'Fields'));
  return { Metadata: versionOut(ctx, v, fields.has('SOURCE')) };
};

const describeDocumentVersions: Handler = (input, ctx) => {
  const doc = requireDocument(ctx, str(input, 'DocumentId') ?? '');
  const include = fieldList(str(input, 'Include'));
  const fields = fieldList(str(input, 'Fields'));
  const all = ctx.store
    .versions(doc.id)
    .filter((v) => v.status === 'ACTIVE' || include.has('INITIALIZED'));
  const { items, marker } = page(all, input);
  return {
    DocumentVersions: items.map((v) => versionOut(ctx, v, fields.has('SOURCE'))),
    Marker: marker,
  };
};

const getFolder: Handler = (input, ctx) => {
  const folder = requireFolder(ctx, str(input, 'FolderId') ?? '');
  return { Metadata: folderOut(folder) };
};

const createFolder: Handler = (input, ctx) => {
  const parent = requireWritableFolder(ctx, str(input, 'ParentFolderId') ?? '');
  const name = str(input, 'Name');
  if (name === undefined) throw invalidArgument('Name is required');
  if (ctx.store.childCount(parent.id) >= ctx.folderChildLimit) {
    throw new WorkDocsError(
      'LimitExceededException',
      `Folder ${parent.id} already has the maximum of ${ctx.folderChildLimit} children`,
    );
  }
  if (ctx.store.folderNameTaken(parent.id, name)) {
    throw new WorkDocsError(
      'EntityAlreadyExistsException',
      `A folder with this name already exists in folder ${parent.id}`,
    );
  }
  const folder = ctx.store.createFolder({
    name,
    creator_id: ctx.user?.id ?? parent.owner_id,
    owner_id: parent.owner_id,
    parent_id: parent.id,
    resource_state: 'ACTIVE',
    created_ms: ctx.now,
    modified_ms: ctx.now,
  });
  return { Metadata: folderOut(folder) };
};

function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

const describeFolderContents: Handler = (input, ctx) => {
  const folder = requireFolder(ctx, str(input, 'FolderId') ?? '');
  const type = str(input, 'Type') ?? 'ALL';
  const sort = str(input, 'Sort') ?? 'NAME';
  const descending = str(input, 'Order') === 'DESCENDING';
  const include = fieldList(str(input, 'Include'));
  type Item =
    | { kind: 'folder'; key: string | number; id: string; row: FolderRow }
    | { kind: 'document'; key: string | number; id: string; row: DocumentRow };
  const items: Item[] = [];
  if (type !== 'DOCUMENT') {
    for (const f of ctx.store.childFolders(folder.id)) {
      if (RECYCLED_STATES.has(f.resource_state)) continue; // in the recycle bin, not here
      items.push({
        kind: 'folder',
        key: sort === 'DATE' ? f.created_ms : (f.name ?? ''),
        id: f.id,
        row: f,
      });
    }
  }
  if (type !== 'FOLDER') {
    for (const doc of ctx.store.childDocuments(folder.id)) {
      if (RECYCLED_STATES.has(doc.resource_state)) continue;
      if (!include.has('INITIALIZED') && !ctx.store.hasActiveVersion(doc.id)) continue;
      items.push({
        kind: 'document',
        key: sort === 'DATE' ? doc.created_ms : doc.name,
        id: doc.id,
        row: doc,
      });
    }
  }
  items.sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1; // folders first, like WorkDocs
    const c = compare(a.key, b.key) || compare(a.id, b.id);
    return descending ? -c : c;
  });
  const { items: pageItems, marker } = page(items, input);
  const folders: Record<string, unknown>[] = [];
  const documents: Record<string, unknown>[] = [];
  for (const item of pageItems) {
    if (item.kind === 'folder') folders.push(folderOut(item.row));
    else documents.push(documentOut(ctx, item.row));
  }
  return { Folders: folders, Documents: documents, Marker: marker };
};

const describeRootFolders: Handler = (input, ctx) => {
  const user = requireToken(ctx, 'DescribeRootFolders');
  const root = ctx.store.getFolder(user.root_folder_id);
  const { items, marker } = page(root ? [root] : [], input);
  return { Folders: items.map(folderOut), Marker: marker };
};

const getCurrentUser: Handler = (_input, ctx) => {
  const user = requireToken(ctx, 'GetCurrentUser');
  return { User: userOut(ctx, user, true) };
};

const describeUsers: Handler = (input, ctx) => {
  const orgId = str(input, 'OrganizationId');
  if (orgId !== undefined && orgId !== ctx.organizationId) throw entityNotExists(orgId);
  let users = ctx.store.listUsers(ctx.organizationId);
  const ids = str(input, 'UserIds');
  if (ids !== undefined) {
    const wanted = new Set(
      ids
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    );
    users = users.filter((u) => wanted.has(u.id));
  }
  const query = str(input, 'Query')?.toLowerCase();
  if (query !== undefined) {
    users = users.filter((u) =>
      [u.username, u.given_name, u.surname, u.email ?? ''].some((s) =>
        s.toLowerCase().includes(query),
      ),
    );
  }
  if (str(input, 'Include') !== 'ALL') {
    users = users.filter((u) => u.status === 'ACTIVE' || u.status === 'PENDING');
  }
  const sort = str(input, 'Sort') ?? 'USER_NAME';
  const key = (u: UserRow): string | number => {
    switch (sort) {
      case 'FULL_NAME':
        return `${u.given_name} ${u.surname}`;
      case 'STORAGE_LIMIT':
        return u.storage_type === 'QUOTA' ? (u.storage_allocated ?? 0) : Number.MAX_SAFE_INTEGER;
      case 'USER_STATUS':
        return u.status;
      case 'STORAGE_USED':
        return ctx.store.storageUtilized(u.id);
      default:
        return u.username.toLowerCase();
    }
  };
  const descending = str(input, 'Order') === 'DESCENDING';
  users.sort((a, b) => {
    const c = compare(key(a), key(b)) || compare(a.id, b.id);
    return descending ? -c : c;
  });
  const withStorage = fieldList(str(input, 'Fields')).has('STORAGE_METADATA');
  const { items, marker } = page(users, input);
  return {
    Users: items.map((u) => userOut(ctx, u, withStorage)),
    TotalNumberOfUsers: users.length,
    Marker: marker,
  };
};

const createUser: Handler = (input, ctx) => {
  requireAdministrator(ctx, 'CreateUser');
  const orgId = str(input, 'OrganizationId');
  if (orgId !== undefined && orgId !== ctx.organizationId) {
    throw invalidArgument(`OrganizationId ${orgId} is not this organization`);
  }
  const username = str(input, 'Username') ?? '';
  if (ctx.store.getUserByUsername(username)) {
    throw new WorkDocsError('EntityAlreadyExistsException', `User ${username} already exists`);
  }
  const rule = input.StorageRule as
    { StorageType?: string; StorageAllocatedInBytes?: number } | undefined;
  let storageType: 'UNLIMITED' | 'QUOTA';
  let storageAllocated: number | null;
  if (
    rule?.StorageType === 'QUOTA' ||
    (rule?.StorageType === undefined && rule?.StorageAllocatedInBytes !== undefined)
  ) {
    storageType = 'QUOTA';
    storageAllocated = rule.StorageAllocatedInBytes ?? ctx.defaultStorageBytes ?? 0;
  } else if (rule?.StorageType === 'UNLIMITED') {
    storageType = 'UNLIMITED';
    storageAllocated = null;
  } else if (ctx.defaultStorageBytes !== undefined) {
    storageType = 'QUOTA';
    storageAllocated = ctx.defaultStorageBytes;
  } else {
    storageType = 'UNLIMITED';
    storageAllocated = null;
  }
  const user = ctx.store.createUser(
    ctx.organizationId,
    {
      username,
      email: str(input, 'EmailAddress'),
      givenName: str(input, 'GivenName') ?? '',
      surname: str(input, 'Surname') ?? '',
      password: str(input, 'Password'),
      timeZoneId: str(input, 'TimeZoneId'),
      storageType,
      storageAllocated,
    },
    ctx.now,
  );
  return { User: userOut(ctx, user, true) };
};

function requireMovableInto(ctx: OpContext, ownerId: string, parentFolderId: string): FolderRow {
  const target = requireWritableFolder(ctx, parentFolderId);
  if (target.owner_id !== ownerId) {
    throw new WorkDocsError(
      'UnauthorizedOperationException',
      `Folder ${target.id} belongs to another user`,
    );
  }
  if (ctx.store.childCount(target.id) >= ctx.folderChildLimit) {
    throw new WorkDocsError(
      'LimitExceededException',
      `Folder ${target.id} already has the maximum of ${ctx.folderChildLimit} children`,
    );
  }
  return target;
}

function resourceState(input: Input): string | undefined {
  const state = str(input, 'ResourceState');
  if (state !== undefined && state !== 'ACTIVE' && state !== 'RECYCLED') {
    throw invalidArgument('ResourceState must be ACTIVE or RECYCLED');
  }
  return state;
}

const updateFolder: Handler = (input, ctx) => {
  const folder = requireFolder(ctx, str(input, 'FolderId') ?? '', 'write');
  if (folder.parent_id === null) {
    throw prohibited(`Folder ${folder.id} is a root folder and cannot be changed`);
  }
  const name = str(input, 'Name');
  const parentId = str(input, 'ParentFolderId');
  const state = resourceState(input);
  if (
    RECYCLED_STATES.has(folder.resource_state) &&
    state !== 'ACTIVE' &&
    (name ?? parentId) !== undefined
  ) {
    throw prohibited(`Folder ${folder.id} is ${folder.resource_state}`);
  }
  let newParent = folder.parent_id;
  if (parentId !== undefined && parentId !== folder.parent_id) {
    const target = requireMovableInto(ctx, folder.owner_id, parentId);
    if (ctx.store.isWithin(target.id, folder.id)) {
      throw new WorkDocsError(
        'ConflictingOperationException',
        `Folder ${folder.id} cannot be moved into itself or one of its subfolders`,
      );
    }
    newParent = target.id;
  }
  const newName = name ?? folder.name;
  if ((newName !== folder.name || newParent !== folder.parent_id) && newName !== null) {
    if (ctx.store.folderNameTaken(newParent, newName)) {
      throw new WorkDocsError(
        'EntityAlreadyExistsException',
        `A folder with this name already exists in folder ${newParent}`,
      );
    }
  }
  ctx.store.updateFolder(folder.id, { name, parent_id: newParent, resource_state: state }, ctx.now);
  return {};
};

const updateDocument: Handler = (input, ctx) => {
  const doc = requireDocument(ctx, str(input, 'DocumentId') ?? '', 'write');
  const name = str(input, 'Name');
  const parentId = str(input, 'ParentFolderId');
  const state = resourceState(input);
  if (
    RECYCLED_STATES.has(doc.resource_state) &&
    state !== 'ACTIVE' &&
    (name ?? parentId) !== undefined
  ) {
    throw prohibited(`Document ${doc.id} is ${doc.resource_state}`);
  }
  let newParent = doc.parent_id;
  if (parentId !== undefined && parentId !== doc.parent_id) {
    newParent = requireMovableInto(ctx, doc.owner_id, parentId).id;
  }
  const newName = name ?? doc.name;
  if (
    (newName !== doc.name || newParent !== doc.parent_id) &&
    ctx.store.documentNameTaken(newParent, newName)
  ) {
    throw new WorkDocsError(
      'EntityAlreadyExistsException',
      `A document with this name already exists in folder ${newParent}`,
    );
  }
  ctx.store.updateDocument(doc.id, { name, parent_id: newParent, resource_state: state }, ctx.now);
  return {};
};

const deleteFolder: Handler = (input, ctx) => {
  const folder = requireFolder(ctx, str(input, 'FolderId') ?? '', 'share');
  if (folder.parent_id === null) {
    throw prohibited(`Folder ${folder.id} is a root folder and cannot be deleted`);
  }
  ctx.blobsToDelete.push(...ctx.store.deleteFolderTree(folder.id));
  return {};
};

const deleteDocument: Handler = (input, ctx) => {
  const doc = requireDocument(ctx, str(input, 'DocumentId') ?? '', 'share');
  ctx.blobsToDelete.push(...ctx.store.deleteDocument(doc.id));
  return {};
};

/** A folder or a document by id, with the access check. */
function requireResource(
  ctx: OpContext,
  id: string,
  access: Access,
): { ownerId: string; chain: string[] } {
  const folder = ctx.store.getFolder(id);
  if (folder) {
    requireFolder(ctx, id, access);
    return { ownerId: folder.owner_id, chain: ctx.store.folderChain(id) };
  }
  const doc = ctx.store.getDocument(id);
  if (doc) {
    requireDocument(ctx, id, access);
    return { ownerId: doc.owner_id, chain: [id, ...ctx.store.folderChain(doc.parent_id)] };
  }
  throw entityNotExists(id);
}

const addResourcePermissions: Handler = (input, ctx) => {
  const resourceId = str(input, 'ResourceId') ?? '';
  const { ownerId } = requireResource(ctx, resourceId, 'share');
  const principals = (input.Principals ?? []) as { Id: string; Type: string; Role: string }[];
  const results = principals.map((p) => {
    const failure = (message: string) => ({
      PrincipalId: p.Id,
      Role: p.Role,
      Status: 'FAILURE',
      StatusMessage: message,
    });
    if (p.Type !== 'USER') return failure(`Principal type ${p.Type} is not supported`);
    if (p.Role === 'OWNER') return failure('The OWNER role cannot be granted');
    const user = ctx.store.getUser(p.Id);
    if (user?.organization_id !== ctx.organizationId) return failure(`No user ${p.Id}`);
    if (user.id === ownerId) return failure('The principal owns the resource');
    const shareId = ctx.store.setPermission(resourceId, user.id, p.Role, ctx.now);
    return { PrincipalId: user.id, Role: p.Role, Status: 'SUCCESS', ShareId: shareId };
  });
  return { ShareResults: results };
};

const describeResourcePermissions: Handler = (input, ctx) => {
  const resourceId = str(input, 'ResourceId') ?? '';
  const { ownerId, chain } = requireResource(ctx, resourceId, 'read');
  const byPrincipal = new Map<string, { Role: string; Type: string }[]>();
  const add = (principalId: string, role: string, type: string): void => {
    const roles = byPrincipal.get(principalId) ?? [];
    roles.push({ Role: role, Type: type });
    byPrincipal.set(principalId, roles);
  };
  add(ownerId, 'OWNER', 'DIRECT');
  chain.forEach((id, i) => {
    for (const p of ctx.store.permissionsOn(id))
      add(p.principal_id, p.role, i === 0 ? 'DIRECT' : 'INHERITED');
  });
  let principals = [...byPrincipal].map(([id, roles]) => ({ Id: id, Type: 'USER', Roles: roles }));
  const only = str(input, 'PrincipalId');
  if (only !== undefined) principals = principals.filter((p) => p.Id === only);
  const { items, marker } = page(principals, input);
  return { Principals: items, Marker: marker };
};

const removeResourcePermission: Handler = (input, ctx) => {
  const resourceId = str(input, 'ResourceId') ?? '';
  requireResource(ctx, resourceId, 'share');
  ctx.store.removePermission(resourceId, str(input, 'PrincipalId') ?? '');
  return {};
};

const removeAllResourcePermissions: Handler = (input, ctx) => {
  const resourceId = str(input, 'ResourceId') ?? '';
  requireResource(ctx, resourceId, 'share');
  ctx.store.removeAllPermissions(resourceId);
  return {};
};

/** Path components root first; `Limit` counts levels upwards from the resource (default 100). */
function pathOut(
  ctx: OpContext,
  chain: string[],
  leaf: { id: string; name: string | null } | undefined,
  input: Input,
) {
  const withNames = fieldList(str(input, 'Fields')).has('NAME');
  const limit = num(input, 'Limit') ?? 100;
  const components = chain.map((id) => {
    const f = ctx.store.getFolder(id);
    return { Id: id, Name: withNames ? (f?.name ?? undefined) : undefined };
  });
  if (leaf)
    components.unshift({ Id: leaf.id, Name: withNames ? (leaf.name ?? undefined) : undefined });
  return { Path: { Components: components.slice(0, limit).reverse() } };
}

const getFolderPath: Handler = (input, ctx) => {
  const folder = requireFolder(ctx, str(input, 'FolderId') ?? '');
  return pathOut(ctx, ctx.store.folderChain(folder.id), undefined, input);
};

const getDocumentPath: Handler = (input, ctx) => {
  const doc = requireDocument(ctx, str(input, 'DocumentId') ?? '');
  return pathOut(ctx, ctx.store.folderChain(doc.parent_id), { id: doc.id, name: doc.name }, input);
};

function requireAdministrator(ctx: OpContext, operation: string): void {
  if (ctx.user && ctx.user.type !== 'ADMIN') {
    throw new WorkDocsError(
      'UnauthorizedOperationException',
      `${operation} is an administrator operation`,
    );
  }
}

function requireUser(ctx: OpContext, id: string): UserRow {
  const user = ctx.store.getUser(id);
  if (user?.organization_id !== ctx.organizationId) throw entityNotExists(id);
  return user;
}

const updateUser: Handler = (input, ctx) => {
  requireAdministrator(ctx, 'UpdateUser');
  const user = requireUser(ctx, str(input, 'UserId') ?? '');
  const rule = input.StorageRule as
    { StorageType?: string; StorageAllocatedInBytes?: number } | undefined;
  const changes: Parameters<Store['updateUser']>[1] = {};
  const givenName = str(input, 'GivenName');
  const surname = str(input, 'Surname');
  const type = str(input, 'Type');
  const timeZoneId = str(input, 'TimeZoneId');
  const locale = str(input, 'Locale');
  if (givenName !== undefined) changes.given_name = givenName;
  if (surname !== undefined) changes.surname = surname;
  if (type !== undefined) changes.type = type;
  if (timeZoneId !== undefined) changes.time_zone_id = timeZoneId;
  if (locale !== undefined) changes.locale = locale;
  if (str(input, 'GrantPoweruserPrivileges') === 'TRUE') changes.type = 'POWERUSER';
  if (rule?.StorageType === 'UNLIMITED') {
    changes.storage_type = 'UNLIMITED';
    changes.storage_allocated = null;
  } else if (rule?.StorageType === 'QUOTA' || rule?.StorageAllocatedInBytes !== undefined) {
    if (rule.StorageAllocatedInBytes === undefined) {
      throw invalidArgument('StorageRule.StorageAllocatedInBytes is required for a QUOTA');
    }
    changes.storage_type = 'QUOTA';
    changes.storage_allocated = rule.StorageAllocatedInBytes;
  }
  ctx.store.updateUser(user.id, changes, ctx.now);
  return { User: userOut(ctx, requireUser(ctx, user.id), true) };
};

const activateUser: Handler = (input, ctx) => {
  requireAdministrator(ctx, 'ActivateUser');
  const user = requireUser(ctx, str(input, 'UserId') ?? '');
  ctx.store.updateUser(user.id, { status: 'ACTIVE' }, ctx.now);
  return { User: userOut(ctx, requireUser(ctx, user.id), true) };
};

const deactivateUser: Handler = (input, ctx) => {
  requireAdministrator(ctx, 'DeactivateUser');
  const user = requireUser(ctx, str(input, 'UserId') ?? '');
  ctx.store.updateUser(user.id, { status: 'INACTIVE' }, ctx.now);
  return {};
};

export const handlers: Record<string, Handler> = {
  UpdateUser: updateUser,
  ActivateUser: activateUser,
  DeactivateUser: deactivateUser,
  GetFolderPath: getFolderPath,
  GetDocumentPath: getDocumentPath,
  AddResourcePermissions: addResourcePermissions,
  DescribeResourcePermissions: describeResourcePermissions,
  RemoveResourcePermission: removeResourcePermission,
  RemoveAllResourcePermissions: removeAllResourcePermissions,
  UpdateFolder: updateFolder,
  UpdateDocument: updateDocument,
  DeleteFolder: deleteFolder,
  DeleteDocument: deleteDocument,
  InitiateDocumentVersionUpload: initiateDocumentVersionUpload,
  UpdateDocumentVersion: updateDocumentVersion,
  AbortDocumentVersionUpload: abortDocumentVersionUpload,
  GetDocument: getDocument,
  GetDocumentVersion: getDocumentVersion,
  DescribeDocumentVersions: describeDocumentVersions,
  GetFolder: getFolder,
  CreateFolder: createFolder,
  DescribeFolderContents: describeFolderContents,
  DescribeRootFolders: describeRootFolders,
  GetCurrentUser: getCurrentUser,
  DescribeUsers: describeUsers,
  CreateUser: createUser,
};
