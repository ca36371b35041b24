/** Documents and their versions: the upload flow (initiate, activate, abort), reads, moves, deletes. */
import { WorkDocsError, invalidArgument, prohibited } from '../errors.js';
import { newVersionId } from '../storage/store.js';
import type { DocumentRow, VersionRow } from '../storage/store.js';
import { downloadUrl, uploadUrl } from '../transfers/urls.js';
import type {
  DocumentMetadata,
  DocumentStatusType,
  DocumentVersionMetadata,
  GetDocumentRequest,
  GetDocumentResponse,
  GetDocumentVersionRequest,
  GetDocumentVersionResponse,
  DeleteDocumentVersionRequest,
  RestoreDocumentVersionsRequest,
  ResourceStateType,
} from '@aws-sdk/client-workdocs';
import { customMetadataOut } from './labels.js';
import {
  requireDocument,
  requireMovableInto,
  requireVersion,
  requireWritableFolder,
} from './access.js';
import {
  DEFAULT_CONTENT_TYPE,
  RECYCLED_STATES,
  d,
  date,
  fieldList,
  num,
  page,
  pathOut,
  resourceState,
  str,
  typed,
} from './context.js';
import type { Handler, OpContext } from './context.js';

function versionOut(ctx: OpContext, v: VersionRow, withSource: boolean): DocumentVersionMetadata {
  const out: DocumentVersionMetadata = {
    Id: v.id,
    Name: v.name,
    ContentType: v.content_type,
    Size: v.blob_size ?? v.declared_size ?? undefined,
    Signature: v.signature ?? undefined,
    Status: v.status as DocumentStatusType,
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

/** A document as WorkDocs describes it: its latest version and its labels. */
export function documentOut(
  ctx: OpContext,
  doc: DocumentRow,
  latest?: VersionRow,
  labels: readonly string[] = ctx.store.labelsOf([doc.id]).get(doc.id) ?? [],
): DocumentMetadata {
  const v = latest ?? ctx.store.latestVersion(doc.id);
  return {
    Id: doc.id,
    CreatorId: doc.creator_id,
    ParentFolderId: doc.parent_id,
    CreatedTimestamp: d(doc.created_ms),
    ModifiedTimestamp: d(doc.modified_ms),
    LatestVersionMetadata: v ? versionOut(ctx, v, false) : undefined,
    ResourceState: doc.resource_state as ResourceStateType,
    Labels: [...labels],
  };
}

/** Documents with their labels (one query for the labels of all). */
export function documentsOut(ctx: OpContext, docs: readonly DocumentRow[]): DocumentMetadata[] {
  const labels = ctx.store.labelsOf(docs.map((doc) => doc.id));
  return docs.map((doc) => documentOut(ctx, doc, undefined, labels.get(doc.id) ?? []));
}

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

export const initiateDocumentVersionUpload: Handler = (input, ctx) => {
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

export const updateDocumentVersion: Handler = (input, ctx) => {
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

export const abortDocumentVersionUpload: Handler = (input, ctx) => {
  const doc = requireDocument(ctx, str(input, 'DocumentId') ?? '', 'write');
  const v = requireVersion(ctx, doc, str(input, 'VersionId') ?? '');
  if (v.status !== 'INITIALIZED') {
    throw prohibited(`Version ${v.id} is ${v.status}; only an INITIALIZED version can be aborted`);
  }
  ctx.store.deleteVersion(v.seq, doc.id);
  if (v.blob !== null) ctx.blobsToDelete.push(v.blob);
  return {};
};

export const getDocument = typed<GetDocumentRequest, GetDocumentResponse>((input, ctx) => {
  const doc = requireDocument(ctx, input.DocumentId ?? '');
  return {
    Metadata: documentOut(ctx, doc),
    CustomMetadata:
      input.IncludeCustomMetadata === true ? customMetadataOut(ctx, doc.id) : undefined,
  };
});

export const getDocumentVersion = typed<GetDocumentVersionRequest, GetDocumentVersionResponse>(
  (input, ctx) => {
    const doc = requireDocument(ctx, input.DocumentId ?? '');
    const v = requireVersion(ctx, doc, input.VersionId ?? '');
    const fields = fieldList(input.Fields);
    return {
      Metadata: versionOut(ctx, v, fields.has('SOURCE')),
      CustomMetadata:
        input.IncludeCustomMetadata === true ? customMetadataOut(ctx, doc.id, v.id) : undefined,
    };
  },
);

export const describeDocumentVersions: Handler = (input, ctx) => {
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

export const updateDocument: Handler = (input, ctx) => {
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

export const deleteDocument: Handler = (input, ctx) => {
  const doc = requireDocument(ctx, str(input, 'DocumentId') ?? '', 'share');
  ctx.blobsToDelete.push(...ctx.store.deleteDocument(doc.id));
  return {};
};

/**
 * Deletes an ACTIVE version (with DeletePriorVersions, every ACTIVE version older than it, and
 * keeps it). Deleted versions keep their bytes (counted in the owner's storage) until the
 * document is deleted: RestoreDocumentVersions brings them back. A document keeps at least one
 * version (InvalidOperationException: delete the document instead) and its name.
 */
export const deleteDocumentVersion = typed<DeleteDocumentVersionRequest, object>((input, ctx) => {
  const doc = requireDocument(ctx, input.DocumentId ?? '', 'share');
  if (RECYCLED_STATES.has(doc.resource_state)) {
    throw prohibited(`Document ${doc.id} is ${doc.resource_state}`);
  }
  const v = requireVersion(ctx, doc, input.VersionId ?? '');
  if (v.status !== 'ACTIVE') {
    throw prohibited(
      `Version ${v.id} is ${v.status}; an upload in progress is cancelled with AbortDocumentVersionUpload`,
    );
  }
  const active = ctx.store.versions(doc.id).filter((x) => x.status === 'ACTIVE');
  let doomed: VersionRow[];
  if (input.DeletePriorVersions === true) {
    doomed = active.filter((x) => x.seq < v.seq);
  } else {
    if (active.length === 1) {
      throw new WorkDocsError(
        'InvalidOperationException',
        `Version ${v.id} is the only version of document ${doc.id}; delete the document instead`,
      );
    }
    doomed = [v];
  }
  ctx.store.deleteVersions(
    doc.id,
    doomed.map((x) => x.seq),
    ctx.now,
  );
  return {};
});

/** Brings back every version DeleteDocumentVersion deleted (none deleted: nothing to do). */
export const restoreDocumentVersions = typed<RestoreDocumentVersionsRequest, object>(
  (input, ctx) => {
    const doc = requireDocument(ctx, input.DocumentId ?? '', 'write');
    if (RECYCLED_STATES.has(doc.resource_state)) {
      throw prohibited(`Document ${doc.id} is ${doc.resource_state}`);
    }
    ctx.store.restoreVersions(doc.id, ctx.now);
    return {};
  },
);

export const getDocumentPath: Handler = (input, ctx) => {
  const doc = requireDocument(ctx, str(input, 'DocumentId') ?? '');
  return pathOut(ctx, ctx.store.folderChain(doc.parent_id), { id: doc.id, name: doc.name }, input);
};
