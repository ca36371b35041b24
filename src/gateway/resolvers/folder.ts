/**
 * `FolderMetadata` (fields, relations, `contents` connection, federation reference) and the
 * `FolderItem` union.
 *
 * `contents(first, after, …)` is a Relay connection over DescribeFolderContents `Limit`/`Marker`.
 * A cursor is base64url JSON `{ v: 1, f, l, m, o }` signed with the gateway's cursor key
 * (`cursors.ts`: a client cannot edit or make one up): the folder it belongs to (`f`), the
 * listing (`l`: type, sort and order — a marker is a position in one listing), the WorkDocs marker where the upstream page started (`m`, null for the first page) and how many items
 * of that page come before the next item (`o`). So every edge's cursor continues right after its
 * item, and `endCursor` after a full upstream page is simply `{ m: <next marker>, o: 0 }` — paging
 * with `endCursor` costs exactly one DescribeFolderContents call per page.
 */
import type { DocumentMetadata, FolderMetadata } from '@aws-sdk/client-workdocs';
import type {
  FolderContentType,
  FolderItemResolvers,
  FolderMetadataResolvers,
  ResourceSort,
  Resolvers,
  SortOrder,
} from '../../generated/graphql.js';
import type { GatewayContext } from '../context.js';
import type { CursorSigner } from '../cursors.js';
import { InvalidArgumentError, toGraphQLError } from '../errors.js';
import type { DocumentModel, FolderModel } from '../models.js';
import { isEntityNotExists } from '../loaders.js';
import { intInRange, requiredId } from '../validation.js';
import { resolveUser } from './user.js';

/** The model's `LimitType` maximum (DescribeFolderContents `limit`). */
export const MAX_PAGE_SIZE = 999;
/** The model's `PageMarkerType` maximum length. */
const MAX_MARKER_LENGTH = 2048;
/** Longest cursor we decode (a 2048-character marker, a 128-character id, base64, the MAC). */
const MAX_CURSOR_LENGTH = 4096;

/**
 * A relation to a folder (`parentFolder` of a document or folder): through the request's `folders`
 * loader; null when there is no id (a root folder); a failure is the table's GraphQLError.
 */
export async function resolveFolder(
  ctx: GatewayContext,
  folderId: string | undefined,
): Promise<FolderModel | null> {
  if (!folderId) return null;
  try {
    return await ctx.loaders.folders.load(folderId);
  } catch (err) {
    throw toGraphQLError(err);
  }
}

export interface FolderCursor {
  /** The folder the cursor belongs to. */
  folderId: string;
  /** The listing it belongs to: `type|sort|order` as asked (markers are positions in it). */
  listing: string;
  /** The WorkDocs marker at which the upstream page starts; undefined = the first page. */
  marker: string | undefined;
  /** How many items of that upstream page lie before the next item. */
  offset: number;
}

export function encodeCursor(cursor: FolderCursor, signer: CursorSigner): string {
  const json = JSON.stringify({
    v: 1,
    f: cursor.folderId,
    l: cursor.listing,
    m: cursor.marker ?? null,
    o: cursor.offset,
  });
  return signer.sign(Buffer.from(json, 'utf8').toString('base64url'));
}

/** Decodes an `after` argument; anything malformed is an `InvalidArgumentError` on `field`. */
export function decodeCursor(
  value: string,
  folderId: string,
  listing: string,
  signer: CursorSigner,
  field = 'after',
): FolderCursor {
  const bad = (why: string): InvalidArgumentError =>
    new InvalidArgumentError(
      field,
      `is not a valid cursor of this folder (${why}); pass an \`endCursor\` or edge \`cursor\` returned by \`contents\``,
    );
  if (
    value.length === 0 ||
    value.length > MAX_CURSOR_LENGTH ||
    !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value)
  ) {
    throw bad('not a cursor');
  }
  const payload = signer.verify(value);
  if (payload === undefined) throw bad('not issued by this gateway, or altered');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw bad('not a cursor');
  }
  if (typeof parsed !== 'object' || parsed === null) throw bad('not a cursor');
  const { v, f, l, m, o } = parsed as Record<string, unknown>;
  if (v !== 1 || typeof f !== 'string' || typeof l !== 'string') throw bad('not a cursor');
  if (f !== folderId) throw bad('it belongs to another folder');
  if (l !== listing) throw bad('it was issued for another type, sort or order');
  if (!(m === null || (typeof m === 'string' && m.length >= 1 && m.length <= MAX_MARKER_LENGTH))) {
    throw bad('bad marker');
  }
  if (typeof o !== 'number' || !Number.isInteger(o) || o < 0 || o > MAX_PAGE_SIZE) {
    throw bad('bad offset');
  }
  return { folderId: f, listing: l, marker: m ?? undefined, offset: o };
}

type FolderItemModel = DocumentModel | FolderModel;
type Tagged<T, N extends string> = T & { __typename: N };

/** A page of items as `contents` returns it (the connection's parent value). */
export interface FolderPage {
  edges: { cursor: string; node: FolderItemModel }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Builds the connection of one upstream page: `items` were fetched at `start.marker` with
 * `Limit = start.offset + first`; `nextMarker` is the marker WorkDocs returned.
 */
export function buildPage(
  signer: CursorSigner,
  start: FolderCursor,
  first: number,
  items: readonly FolderItemModel[],
  nextMarker: string | undefined,
  after: string | null | undefined,
): FolderPage {
  const slice = items.slice(start.offset, start.offset + first);
  const moreInThisPage = items.length > start.offset + first;
  // Cursors are signed (an HMAC each): computed only when a client asks for them — 50 eager
  // cursors were ~5% of the CPU of a listing that selects none (`npm run bench -- --only=reads`).
  const nextPageCursor = lazy(() =>
    nextMarker === undefined
      ? undefined
      : encodeCursor({ ...start, marker: nextMarker, offset: 0 }, signer),
  );
  const edges = slice.map((node, i) => {
    const isLast = i === slice.length - 1;
    // The last item of a full upstream page continues at the next marker: same position, and
    // following it costs one call for a whole page.
    const own = lazy(() => encodeCursor({ ...start, offset: start.offset + i + 1 }, signer));
    const cursor = lazy(() => (isLast && !moreInThisPage ? (nextPageCursor() ?? own()) : own()));
    return withGetter({ node }, 'cursor', cursor);
  });
  const last = edges.at(-1);
  const endCursor = lazy(
    () => last?.cursor ?? (moreInThisPage ? null : (nextPageCursor() ?? after ?? null)),
  );
  return {
    edges,
    pageInfo: withGetter(
      { hasNextPage: moreInThisPage || nextMarker !== undefined },
      'endCursor',
      endCursor,
    ),
  };
}

/** `compute`, run at most once, on first use. */
function lazy<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

/** `target` with an own enumerable property `key` read through `get`. */
function withGetter<T extends object, K extends string, V>(
  target: T,
  key: K,
  get: () => V,
): T & Record<K, V> {
  return Object.defineProperty(target, key, { enumerable: true, get }) as T & Record<K, V>;
}

const orDefault = <T>(value: T | null | undefined, fallback: T): T => value ?? fallback;

const asFolderItem = <T extends object, N extends 'DocumentMetadata' | 'FolderMetadata'>(
  item: T,
  typename: N,
): Tagged<T, N> => Object.assign(item, { __typename: typename });

const folderMetadata: FolderMetadataResolvers = {
  __resolveReference: async (ref, ctx) => {
    try {
      return await ctx.loaders.folders.load(requiredId(ref.id, 'representations.id'));
    } catch (err) {
      if (isEntityNotExists(err)) return null;
      throw toGraphQLError(err);
    }
  },
  id: (p) => p.Id ?? '',
  name: (p) => p.Name ?? null,
  creatorId: (p) => p.CreatorId ?? null,
  parentFolderId: (p) => p.ParentFolderId ?? null,
  createdTimestamp: (p) => p.CreatedTimestamp ?? null,
  modifiedTimestamp: (p) => p.ModifiedTimestamp ?? null,
  resourceState: (p) => p.ResourceState ?? null,
  signature: (p) => p.Signature ?? null,
  labels: (p) => p.Labels ?? [],
  size: (p) => p.Size ?? null,
  latestVersionSize: (p) => p.LatestVersionSize ?? null,
  creator: (p, _args, ctx) => resolveUser(ctx, p.CreatorId),
  parentFolder: (p, _args, ctx) => resolveFolder(ctx, p.ParentFolderId),
  contents: async (folder, args, ctx) => {
    try {
      const folderId = requiredId(folder.Id, 'id');
      // An explicit `null` reaches here despite the generated types; it means the default.
      const first = intInRange(orDefault(args.first, 50), 'first', 1, MAX_PAGE_SIZE);
      const type: FolderContentType = orDefault(args.type, 'ALL');
      const sort: ResourceSort | undefined = args.sort ?? undefined;
      const order: SortOrder | undefined = args.order ?? undefined;
      const listing = `${type}|${sort ?? ''}|${order ?? ''}`;
      const start: FolderCursor =
        args.after === null || args.after === undefined
          ? { folderId, listing, marker: undefined, offset: 0 }
          : decodeCursor(args.after, folderId, listing, ctx.cursors);
      const page = await ctx.loaders.folderContents({
        FolderId: folderId,
        Marker: start.marker,
        Limit: Math.min(MAX_PAGE_SIZE, start.offset + first),
        Type: type,
        Sort: sort,
        Order: order,
      });
      const items: FolderItemModel[] = [
        ...page.folders.map((f: FolderMetadata) => asFolderItem(f, 'FolderMetadata')),
        ...page.documents.map((d: DocumentMetadata) => asFolderItem(d, 'DocumentMetadata')),
      ];
      return buildPage(ctx.cursors, start, first, items, page.marker, args.after);
    } catch (err) {
      throw toGraphQLError(err);
    }
  },
};

const folderItem: FolderItemResolvers = {
  __resolveType: (item) => {
    if (
      '__typename' in item &&
      (item.__typename === 'FolderMetadata' || item.__typename === 'DocumentMetadata')
    ) {
      return item.__typename;
    }
    return 'LatestVersionMetadata' in item || !('Name' in item)
      ? 'DocumentMetadata'
      : 'FolderMetadata';
  },
};

export const folderResolvers: Resolvers = {
  FolderMetadata: folderMetadata,
  FolderItem: folderItem,
};
