/** Folders: create, read, list contents, move/rename/recycle, delete. */
import { WorkDocsError, prohibited } from '../errors.js';
import type {
  DeleteFolderContentsRequest,
  DocumentMetadata,
  FolderMetadata,
  GetFolderRequest,
  GetFolderResponse,
  ResourceStateType,
} from '@aws-sdk/client-workdocs';
import type { DocumentRow, FolderRow } from '../storage/store.js';
import {
  requireFolder,
  requireMovableInto,
  requireToken,
  requireWritableFolder,
} from './access.js';
import {
  RECYCLED_STATES,
  compare,
  d,
  fieldList,
  page,
  pathOut,
  resourceState,
  str,
} from './context.js';
import { typed } from './context.js';
import type { Handler, OpContext } from './context.js';
import { documentsOut } from './documents.js';
import { customMetadataOut } from './labels.js';

/** A folder as WorkDocs describes it; `labels` as labelsOf found them (none if absent). */
export function folderOut(f: FolderRow, labels: readonly string[] = []): FolderMetadata {
  return {
    Id: f.id,
    Name: f.name ?? undefined,
    CreatorId: f.creator_id,
    ParentFolderId: f.parent_id ?? undefined,
    CreatedTimestamp: d(f.created_ms),
    ModifiedTimestamp: d(f.modified_ms),
    ResourceState: f.resource_state as ResourceStateType,
    Labels: [...labels],
  };
}

/** Folders with their labels (one query for all). */
export function foldersOut(ctx: OpContext, folders: readonly FolderRow[]): FolderMetadata[] {
  const labels = ctx.store.labelsOf(folders.map((f) => f.id));
  return folders.map((f) => folderOut(f, labels.get(f.id)));
}

export const getFolder = typed<GetFolderRequest, GetFolderResponse>((input, ctx) => {
  const folder = requireFolder(ctx, input.FolderId ?? '');
  const [metadata] = foldersOut(ctx, [folder]);
  return {
    Metadata: metadata,
    CustomMetadata:
      input.IncludeCustomMetadata === true ? customMetadataOut(ctx, folder.id) : undefined,
  };
});

export const createFolder: Handler = (input, ctx) => {
  const parent = requireWritableFolder(ctx, str(input, 'ParentFolderId') ?? '');
  // Name is optional in the model: a folder may have none (several nameless ones may coexist).
  const name = str(input, 'Name') ?? null;
  if (ctx.store.childCount(parent.id) >= ctx.folderChildLimit) {
    throw new WorkDocsError(
      'LimitExceededException',
      `Folder ${parent.id} already has the maximum of ${ctx.folderChildLimit} children`,
    );
  }
  if (name !== null && ctx.store.folderNameTaken(parent.id, name)) {
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

export const describeFolderContents: Handler = (input, ctx) => {
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
  return { ...contentsOut(ctx, pageItems), Marker: marker };
};

/** A page of folders and documents as WorkDocs lists them: `Folders` and `Documents`, labelled. */
export function contentsOut(
  ctx: OpContext,
  items: readonly ({ kind: 'folder'; row: FolderRow } | { kind: 'document'; row: DocumentRow })[],
): { Folders: FolderMetadata[]; Documents: DocumentMetadata[] } {
  const folders: FolderRow[] = [];
  const documents: DocumentRow[] = [];
  for (const item of items) {
    if (item.kind === 'folder') folders.push(item.row);
    else documents.push(item.row);
  }
  return { Folders: foldersOut(ctx, folders), Documents: documentsOut(ctx, documents) };
}

export const describeRootFolders: Handler = (input, ctx) => {
  const user = requireToken(ctx, 'DescribeRootFolders');
  const root = ctx.store.getFolder(user.root_folder_id);
  const { items, marker } = page(root ? [root] : [], input);
  return { Folders: foldersOut(ctx, items), Marker: marker };
};

export const updateFolder: Handler = (input, ctx) => {
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

export const deleteFolder: Handler = (input, ctx) => {
  const folder = requireFolder(ctx, str(input, 'FolderId') ?? '', 'share');
  if (folder.parent_id === null) {
    throw prohibited(`Folder ${folder.id} is a root folder and cannot be deleted`);
  }
  ctx.blobsToDelete.push(...ctx.store.deleteFolderTree(folder.id));
  return {};
};

/**
 * Permanently deletes what a folder shows: its subfolders (with everything below them) and its
 * documents. On a user's recycle bin folder it empties the recycle bin: every recycled folder and
 * document of that user is deleted for good.
 */
export const deleteFolderContents = typed<DeleteFolderContentsRequest, object>((input, ctx) => {
  const folder = requireFolder(ctx, input.FolderId ?? '', 'share');
  if (RECYCLED_STATES.has(folder.resource_state)) {
    throw prohibited(`Folder ${folder.id} is ${folder.resource_state}`);
  }
  const owner = ctx.store.getUser(folder.owner_id);
  const blobs =
    owner?.recycle_bin_folder_id === folder.id
      ? ctx.store.emptyRecycleBin(owner.id)
      : ctx.store.deleteFolderContents(folder.id);
  ctx.blobsToDelete.push(...blobs);
  return {};
});

export const getFolderPath: Handler = (input, ctx) => {
  const folder = requireFolder(ctx, str(input, 'FolderId') ?? '');
  return pathOut(ctx, ctx.store.folderChain(folder.id), undefined, input);
};
