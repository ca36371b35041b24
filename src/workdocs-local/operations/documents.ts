/** Documents and their versions: the upload flow (initiate, activate, abort), reads, moves, deletes. */
import { WorkDocsError, invalidArgument, prohibited } from '../errors.js';
import { newVersionId } from '../storage/repo.js';
import type { DocumentRow, VersionRow } from '../storage/repo.js';
import { downloadUrl, uploadUrl } from '../transfers/urls.js';
import type {
  AbortDocumentVersionUploadRequest,
  DeleteDocumentRequest,
  DeleteDocumentVersionRequest,
  DescribeDocumentVersionsRequest,
  DescribeDocumentVersionsResponse,
  DocumentMetadata,
  DocumentStatusType,
  DocumentVersionMetadata,
  GetDocumentRequest,
  GetDocumentResponse,
  GetDocumentVersionRequest,
  GetDocumentVersionResponse,
  InitiateDocumentVersionUploadRequest,
  InitiateDocumentVersionUploadResponse,
  ResourceStateType,
  RestoreDocumentVersionsRequest,
  UpdateDocumentVersionRequest,
} from '@aws-sdk/client-workdocs';
import { customMetadataOut } from './labels.js';
import {
  requireDocument,
  requireMovableInto,
  requireVersion,
  reserveChild,
  requireWritableFolder,
} from './access.js';
import {
  DEFAULT_CONTENT_TYPE,
  RECYCLED_STATES,
  d,
  fieldList,
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

/**
 * A document as WorkDocs describes it: `latest` is Repo.latestVersion of it, `labels` Repo.labelsOf
 * it.
 */
export function documentOut(
  ctx: OpContext,
  doc: DocumentRow,
  latest: VersionRow | undefined,
  labels: readonly string[] = [],
): DocumentMetadata {
  const v = latest;
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

/** Documents with their latest versions and labels (one query for each). */
export async function documentsOut(
  ctx: OpContext,
  docs: readonly DocumentRow[],
  latest?: ReadonlyMap<string, VersionRow>,
): Promise<DocumentMetadata[]> {
  const ids = docs.map((doc) => doc.id);
  const versions = latest ?? (await ctx.store.latestVersions(ids));
  const labels = await ctx.store.labelsOf(ids);
  return docs.map((doc) => documentOut(ctx, doc, versions.get(doc.id), labels.get(doc.id) ?? []));
}

async function checkQuota(
  ctx: OpContext,
  ownerId: string,
  declared: number | undefined,
): Promise<void> {
  const owner = await ctx.store.getUser(ownerId);
  if (owner?.storage_type !== 'QUOTA') return;
  const allocated = owner.storage_allocated ?? 0;
  const used = await ctx.store.storageUtilized(owner.id);
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

export const initiateDocumentVersionUpload = typed<
  InitiateDocumentVersionUploadRequest,
  Promise<InitiateDocumentVersionUploadResponse>
>(async (input, ctx) => {
  const id = input.Id;
  const name = input.Name;
  const parentFolderId = input.ParentFolderId;
  const contentType = input.ContentType ?? DEFAULT_CONTENT_TYPE;
  const declared = input.DocumentSizeInBytes;
  if (declared !== undefined && declared < 0) {
    throw invalidArgument('DocumentSizeInBytes must not be negative');
  }
  if (declared !== undefined && declared > ctx.maxUploadBytes) {
    throw invalidArgument(
      `DocumentSizeInBytes ${declared} exceeds the largest upload this service accepts (${ctx.maxUploadBytes} bytes)`,
    );
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
    content_created_ms: input.ContentCreatedTimestamp?.getTime() ?? null,
    content_modified_ms: input.ContentModifiedTimestamp?.getTime() ?? null,
  };
  let document: DocumentRow;
  let created: VersionRow;
  if (id !== undefined) {
    const doc = await requireDocument(ctx, id, 'write');
    const parent = await ctx.store.getFolder(doc.parent_id);
    if (parent && RECYCLED_STATES.has(parent.resource_state)) {
      throw prohibited(`Folder ${parent.id} is ${parent.resource_state}`);
    }
    if (RECYCLED_STATES.has(doc.resource_state)) {
      throw prohibited(`Document ${id} is ${doc.resource_state}`);
    }
    if (
      name !== undefined &&
      name !== doc.name &&
      (await ctx.store.documentNameTaken(doc.parent_id, name))
    ) {
      throw new WorkDocsError(
        'EntityAlreadyExistsException',
        `A document with this name already exists in folder ${doc.parent_id}`,
      );
    }
    await checkQuota(ctx, doc.owner_id, declared);
    created = await ctx.store.addVersion(doc.id, {
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
    const folder = await requireWritableFolder(ctx, parentFolderId);
    await reserveChild(ctx, folder.id);
    if (await ctx.store.documentNameTaken(folder.id, name)) {
      throw new WorkDocsError(
        'EntityAlreadyExistsException',
        `A document with this name already exists in folder ${folder.id}`,
      );
    }
    await checkQuota(ctx, folder.owner_id, declared);
    const creatorId = ctx.user?.id ?? folder.owner_id;
    const result = await ctx.store.createDocumentWithVersion(
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
    Metadata: documentOut(
      ctx,
      document,
      created,
      (await ctx.store.labelsOf([document.id])).get(document.id),
    ),
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
});

export const updateDocumentVersion = typed<UpdateDocumentVersionRequest, Promise<object>>(
  async (input, ctx) => {
    const doc = await requireDocument(ctx, input.DocumentId ?? '', 'write');
    const v = await requireVersion(ctx, doc, input.VersionId ?? '', { lock: true });
    const status = input.VersionStatus;
    if (status === undefined) return {};
    if (v.status !== 'INITIALIZED') {
      throw prohibited(`Version ${v.id} is ${v.status}, not INITIALIZED`);
    }
    if (v.blob === null) {
      throw prohibited(`No bytes have been uploaded for version ${v.id}`);
    }
    // The version renames the document: the name may have been taken since it was initiated.
    if (v.name !== doc.name && (await ctx.store.documentNameTaken(doc.parent_id, v.name))) {
      throw new WorkDocsError(
        'EntityAlreadyExistsException',
        `A document with this name already exists in folder ${doc.parent_id}`,
      );
    }
    // The unique index on (folder, name) refuses a name taken meanwhile by another node.
    if (!(await ctx.store.activateVersion(v.seq, doc.id, v.name, ctx.now))) {
      throw prohibited(`Version ${v.id} is no longer INITIALIZED`);
    }
    return {};
  },
);

export const abortDocumentVersionUpload = typed<AbortDocumentVersionUploadRequest, Promise<object>>(
  async (input, ctx) => {
    const doc = await requireDocument(ctx, input.DocumentId ?? '', 'write');
    const v = await requireVersion(ctx, doc, input.VersionId ?? '', { lock: true });
    if (v.status !== 'INITIALIZED') {
      throw prohibited(
        `Version ${v.id} is ${v.status}; only an INITIALIZED version can be aborted`,
      );
    }
    ctx.blobsToDelete.push(...(await ctx.store.deleteVersion(v.seq, doc.id)).blobs);
    return {};
  },
);

export const getDocument = typed<GetDocumentRequest, GetDocumentResponse>(async (input, ctx) => {
  const doc = await requireDocument(ctx, input.DocumentId ?? '');
  const [metadata] = await documentsOut(ctx, [doc]);
  return {
    Metadata: metadata,
    CustomMetadata:
      input.IncludeCustomMetadata === true ? await customMetadataOut(ctx, doc.id) : undefined,
  };
});

export const getDocumentVersion = typed<GetDocumentVersionRequest, GetDocumentVersionResponse>(
  async (input, ctx) => {
    const doc = await requireDocument(ctx, input.DocumentId ?? '');
    const v = await requireVersion(ctx, doc, input.VersionId ?? '');
    const fields = fieldList(input.Fields);
    return {
      Metadata: versionOut(ctx, v, fields.has('SOURCE')),
      CustomMetadata:
        input.IncludeCustomMetadata === true
          ? await customMetadataOut(ctx, doc.id, v.id)
          : undefined,
    };
  },
);

export const describeDocumentVersions = typed<
  DescribeDocumentVersionsRequest,
  Promise<DescribeDocumentVersionsResponse>
>(async (input, ctx) => {
  const doc = await requireDocument(ctx, input.DocumentId ?? '');
  const include = fieldList(input.Include);
  const fields = fieldList(input.Fields);
  const all = (await ctx.store.versions(doc.id)).filter(
    (v) => v.status === 'ACTIVE' || include.has('INITIALIZED'),
  );
  const { items, marker } = page(all, input);
  return {
    DocumentVersions: items.map((v) => versionOut(ctx, v, fields.has('SOURCE'))),
    Marker: marker,
  };
});

export const updateDocument: Handler = async (input, ctx) => {
  const doc = await requireDocument(ctx, str(input, 'DocumentId') ?? '', 'write');
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
    newParent = (await requireMovableInto(ctx, doc.owner_id, parentId)).id;
  }
  const newName = name ?? doc.name;
  if (
    (newName !== doc.name || newParent !== doc.parent_id) &&
    (await ctx.store.documentNameTaken(newParent, newName))
  ) {
    throw new WorkDocsError(
      'EntityAlreadyExistsException',
      `A document with this name already exists in folder ${newParent}`,
    );
  }
  await ctx.store.updateDocument(
    doc.id,
    { name, parent_id: newParent, resource_state: state },
    ctx.now,
  );
  return {};
};

export const deleteDocument = typed<DeleteDocumentRequest, Promise<object>>(async (input, ctx) => {
  const doc = await requireDocument(ctx, input.DocumentId ?? '', 'share');
  ctx.blobsToDelete.push(...(await ctx.store.deleteDocument(doc.id)));
  return {};
});

/**
 * Deletes an ACTIVE version (with DeletePriorVersions, every ACTIVE version older than it, and
 * keeps it). Deleted versions keep their bytes (counted in the owner's storage) until the
 * document is deleted: RestoreDocumentVersions brings them back. A document keeps at least one
 * version (InvalidOperationException: delete the document instead) and its name.
 */
export const deleteDocumentVersion = typed<DeleteDocumentVersionRequest, object>(
  async (input, ctx) => {
    const doc = await requireDocument(ctx, input.DocumentId ?? '', 'share');
    if (RECYCLED_STATES.has(doc.resource_state)) {
      throw prohibited(`Document ${doc.id} is ${doc.resource_state}`);
    }
    // One change of the document's versions at a time: two deletions side by side must not
    // delete its last two versions together.
    await ctx.store.lockResource(doc.id);
    const v = await requireVersion(ctx, doc, input.VersionId ?? '');
    if (v.status !== 'ACTIVE') {
      throw prohibited(
        `Version ${v.id} is ${v.status}; an upload in progress is cancelled with AbortDocumentVersionUpload`,
      );
    }
    const active = (await ctx.store.versions(doc.id)).filter((x) => x.status === 'ACTIVE');
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
    await ctx.store.deleteVersions(
      doc.id,
      doomed.map((x) => x.seq),
      ctx.now,
    );
    return {};
  },
);

/** Brings back every version DeleteDocumentVersion deleted (none deleted: nothing to do). */
export const restoreDocumentVersions = typed<RestoreDocumentVersionsRequest, object>(
  async (input, ctx) => {
    const doc = await requireDocument(ctx, input.DocumentId ?? '', 'write');
    if (RECYCLED_STATES.has(doc.resource_state)) {
      throw prohibited(`Document ${doc.id} is ${doc.resource_state}`);
    }
    await ctx.store.restoreVersions(doc.id, ctx.now);
    return {};
  },
);

export const getDocumentPath: Handler = async (input, ctx) => {
  const doc = await requireDocument(ctx, str(input, 'DocumentId') ?? '');
  return await pathOut(
    ctx,
    await ctx.store.folderChain(doc.parent_id),
    { id: doc.id, name: doc.name },
    input,
  );
};
