/** Folders: create, read, list contents, move/rename/recycle, delete. */
import type {
  CreateFolderRequest,
  CreateFolderResponse,
  DeleteFolderContentsRequest,
  DeleteFolderRequest,
  DescribeFolderContentsRequest,
  DescribeFolderContentsResponse,
  DescribeRootFoldersRequest,
  DescribeRootFoldersResponse,
  DocumentMetadata,
  FolderMetadata,
  GetFolderRequest,
  GetFolderResponse,
  ResourceStateType,
} from '@aws-sdk/client-workdocs';
import { WorkDocsError, invalidArgument, prohibited } from '../errors.js';
import type { DocumentRow, FolderRow, ListingKey } from '../storage/repo.js';
import {
  requireFolder,
  requireMovableInto,
  requireToken,
  requireWritableFolder,
  reserveChild,
} from './access.js';
import { RECYCLED_STATES, d, fieldList, page, pathOut, resourceState, str } from './context.js';
import { typed } from './context.js';
import type { Handler, OpContext } from './context.js';
import { customMetadataOut } from './labels.js';
import { documentsOut } from './documents.js';

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
export async function foldersOut(
  ctx: OpContext,
  folders: readonly FolderRow[],
): Promise<FolderMetadata[]> {
  const labels = await ctx.store.labelsOf(folders.map((f) => f.id));
  return folders.map((f) => folderOut(f, labels.get(f.id)));
}

export const getFolder = typed<GetFolderRequest, GetFolderResponse>(async (input, ctx) => {
  const folder = await requireFolder(ctx, input.FolderId ?? '');
  const [metadata] = await foldersOut(ctx, [folder]);
  return {
    Metadata: metadata,
    CustomMetadata:
      input.IncludeCustomMetadata === true ? await customMetadataOut(ctx, folder.id) : undefined,
  };
});

export const createFolder = typed<CreateFolderRequest, Promise<CreateFolderResponse>>(
  async (input, ctx) => {
    const parent = await requireWritableFolder(ctx, input.ParentFolderId ?? '');
    // Name is optional in the model: a folder may have none (several nameless ones may coexist).
    const name = input.Name ?? null;
    await reserveChild(ctx, parent.id);
    if (name !== null && (await ctx.store.folderNameTaken(parent.id, name))) {
      throw new WorkDocsError(
        'EntityAlreadyExistsException',
        `A folder with this name already exists in folder ${parent.id}`,
      );
    }
    const folder = await ctx.store.createFolder({
      name,
      creator_id: ctx.user?.id ?? parent.owner_id,
      owner_id: parent.owner_id,
      parent_id: parent.id,
      resource_state: 'ACTIVE',
      created_ms: ctx.now,
      modified_ms: ctx.now,
    });
    return { Metadata: folderOut(folder) };
  },
);

/**
 * The marker of a folder listing: the last item returned and the order it was listed in. The next
 * page starts after that item, so items inserted or deleted meanwhile shift nothing: every item
 * present throughout is listed exactly once.
 */
interface ListingMarker {
  /** f = folder, d = document */
  k: 'f' | 'd';
  /** the sort key: name or creation time */
  v: string | number;
  i: string;
  s: 'NAME' | 'DATE';
  r: boolean;
}

function encodeListingMarker(key: ListingKey, sort: 'NAME' | 'DATE', descending: boolean): string {
  const m: ListingMarker = {
    k: key.kind === 'folder' ? 'f' : 'd',
    v: key.key,
    i: key.id,
    s: sort,
    r: descending,
  };
  return Buffer.from(JSON.stringify(m)).toString('base64url');
}

function decodeListingMarker(
  marker: string | undefined,
  sort: 'NAME' | 'DATE',
  descending: boolean,
): ListingKey | undefined {
  if (marker === undefined) return undefined;
  let m: unknown;
  try {
    m = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
  } catch {
    m = undefined;
  }
  if (
    typeof m === 'object' &&
    m !== null &&
    'k' in m &&
    'v' in m &&
    'i' in m &&
    's' in m &&
    'r' in m &&
    (m.k === 'f' || m.k === 'd') &&
    typeof m.i === 'string' &&
    m.i.length <= 128 &&
    ((sort === 'DATE' && typeof m.v === 'number' && Number.isSafeInteger(m.v)) ||
      (sort === 'NAME' && typeof m.v === 'string' && m.v.length <= 1024))
  ) {
    if (m.s !== sort || m.r !== descending) {
      throw invalidArgument('Marker belongs to a listing in another order (Sort, Order)');
    }
    return { kind: m.k === 'f' ? 'folder' : 'document', key: m.v, id: m.i };
  }
  throw invalidArgument('Marker is not a marker this service issued');
}

export const describeFolderContents = typed<
  DescribeFolderContentsRequest,
  Promise<DescribeFolderContentsResponse>
>(async (input, ctx) => {
  const folder = await requireFolder(ctx, input.FolderId ?? '');
  const type = input.Type ?? 'ALL';
  const sort = input.Sort === 'DATE' ? 'DATE' : 'NAME';
  const descending = input.Order === 'DESCENDING';
  const listing = await ctx.store.listFolderContents({
    folderId: folder.id,
    type: type === 'FOLDER' || type === 'DOCUMENT' ? type : 'ALL',
    sort,
    descending,
    includeInitialized: fieldList(input.Include).has('INITIALIZED'),
    after: decodeListingMarker(input.Marker, sort, descending),
    limit: input.Limit ?? 100,
  });
  return {
    Folders: await foldersOut(ctx, listing.folders),
    Documents: await documentsOut(
      ctx,
      listing.documents.map((d) => d.document),
      new Map(listing.documents.flatMap((d) => (d.latest ? [[d.document.id, d.latest]] : []))),
    ),
    Marker:
      listing.next === undefined ? undefined : encodeListingMarker(listing.next, sort, descending),
  };
});

export const describeRootFolders = typed<
  DescribeRootFoldersRequest,
  Promise<DescribeRootFoldersResponse>
>(async (input, ctx) => {
  const user = requireToken(ctx, 'DescribeRootFolders');
  const root = await ctx.store.getFolder(user.root_folder_id);
  const { items, marker } = page(root ? [root] : [], input);
  return { Folders: await foldersOut(ctx, items), Marker: marker };
});

export const updateFolder: Handler = async (input, ctx) => {
  const folder = await requireFolder(ctx, str(input, 'FolderId') ?? '', 'write');
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
    // One move at a time per owner (folders move only within their owner's tree): two moves
    // running side by side on different nodes could otherwise make a cycle together.
    await ctx.store.lockUser(folder.owner_id);
    const target = await requireMovableInto(ctx, folder.owner_id, parentId);
    if (await ctx.store.isWithin(target.id, folder.id)) {
      throw new WorkDocsError(
        'ConflictingOperationException',
        `Folder ${folder.id} cannot be moved into itself or one of its subfolders`,
      );
    }
    newParent = target.id;
  }
  const newName = name ?? folder.name;
  if ((newName !== folder.name || newParent !== folder.parent_id) && newName !== null) {
    if (await ctx.store.folderNameTaken(newParent, newName)) {
      throw new WorkDocsError(
        'EntityAlreadyExistsException',
        `A folder with this name already exists in folder ${newParent}`,
      );
    }
  }
  await ctx.store.updateFolder(
    folder.id,
    { name, parent_id: newParent, resource_state: state },
    ctx.now,
  );
  return {};
};

export const deleteFolder = typed<DeleteFolderRequest, Promise<object>>(async (input, ctx) => {
  const folder = await requireFolder(ctx, input.FolderId ?? '', 'share');
  if (folder.parent_id === null) {
    throw prohibited(`Folder ${folder.id} is a root folder and cannot be deleted`);
  }
  ctx.blobsToDelete.push(...(await ctx.store.deleteFolderTree(folder.id)));
  return {};
});

/** A page of folders and documents as WorkDocs lists them: `Folders` and `Documents`, labelled. */
export async function contentsOut(
  ctx: OpContext,
  items: readonly ({ kind: 'folder'; row: FolderRow } | { kind: 'document'; row: DocumentRow })[],
): Promise<{ Folders: FolderMetadata[]; Documents: DocumentMetadata[] }> {
  const folders: FolderRow[] = [];
  const documents: DocumentRow[] = [];
  for (const item of items) {
    if (item.kind === 'folder') folders.push(item.row);
    else documents.push(item.row);
  }
  return { Folders: await foldersOut(ctx, folders), Documents: await documentsOut(ctx, documents) };
}

/**
 * Permanently deletes what a folder shows: its subfolders (with everything below them) and its
 * documents. On a user's recycle bin folder it empties the recycle bin: every recycled folder and
 * document of that user is deleted for good.
 */
export const deleteFolderContents = typed<DeleteFolderContentsRequest, object>(
  async (input, ctx) => {
    const folder = await requireFolder(ctx, input.FolderId ?? '', 'share');
    if (RECYCLED_STATES.has(folder.resource_state)) {
      throw prohibited(`Folder ${folder.id} is ${folder.resource_state}`);
    }
    const owner = await ctx.store.getUser(folder.owner_id);
    const blobs =
      owner?.recycle_bin_folder_id === folder.id
        ? await ctx.store.emptyRecycleBin(owner.id)
        : await ctx.store.deleteFolderContents(folder.id);
    ctx.blobsToDelete.push(...blobs);
    return {};
  },
);

export const getFolderPath: Handler = async (input, ctx) => {
  const folder = await requireFolder(ctx, str(input, 'FolderId') ?? '');
  return await pathOut(ctx, await ctx.store.folderChain(folder.id), undefined, input);
};
