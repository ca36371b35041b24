/**
 * All access rules of WorkDocs Local in one place. A user reaches resources they own, and those
 * shared with them (on the resource or a folder above it) with a role that allows the access;
 * requests without a token act as the organization's administrator and reach everything.
 */
import { WorkDocsError, entityNotExists, prohibited } from '../errors.js';
import type { DocumentRow, FolderRow, Repo, UserRow, VersionRow } from '../storage/repo.js';
import { RECYCLED_STATES } from './context.js';
import type { OpContext } from './context.js';

/**
 * The user an `Authentication` token identifies (undefined without a token: the administrator,
 * signed in by SigV4); an unknown token or an inactive user is refused.
 */
export async function authenticate(store: Repo, token: unknown): Promise<UserRow | undefined> {
  if (token === undefined) return undefined;
  const user = typeof token === 'string' ? await store.userForToken(token) : undefined;
  if (user?.status !== 'ACTIVE') {
    throw new WorkDocsError(
      'UnauthorizedResourceAccessException',
      'The Authentication token is not valid',
    );
  }
  return user;
}

export function requireToken(ctx: OpContext, operation: string): UserRow {
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
async function checkAccess(
  ctx: OpContext,
  ownerId: string,
  chain: () => Promise<string[]>,
  access: Access,
  what: string,
): Promise<void> {
  if (ctx.user === undefined || ctx.user.id === ownerId) return;
  const roles = await ctx.store.rolesOn(ctx.user.id, await chain());
  if (roles.some((r) => ROLE_ACCESS[r]?.includes(access) === true)) return;
  throw new WorkDocsError(
    'UnauthorizedOperationException',
    `The caller may not ${access === 'read' ? 'access' : access} ${what}`,
  );
}

export async function requireFolder(
  ctx: OpContext,
  id: string,
  access: Access = 'read',
): Promise<FolderRow> {
  const folder = await ctx.store.getFolder(id);
  if (!folder) throw entityNotExists(id);
  await checkAccess(ctx, folder.owner_id, () => ctx.store.folderChain(id), access, `folder ${id}`);
  return folder;
}

export async function requireWritableFolder(ctx: OpContext, id: string): Promise<FolderRow> {
  const folder = await requireFolder(ctx, id, 'write');
  if (RECYCLED_STATES.has(folder.resource_state)) {
    throw prohibited(`Folder ${id} is ${folder.resource_state}`);
  }
  return folder;
}

export async function requireDocument(
  ctx: OpContext,
  id: string,
  access: Access = 'read',
): Promise<DocumentRow> {
  const doc = await ctx.store.getDocument(id);
  if (!doc) throw entityNotExists(id);
  await checkAccess(
    ctx,
    doc.owner_id,
    async () => [id, ...(await ctx.store.folderChain(doc.parent_id))],
    access,
    `document ${id}`,
  );
  return doc;
}

/** A version of the document; `lock`: held until the operation commits (to change its state). */
export async function requireVersion(
  ctx: OpContext,
  doc: DocumentRow,
  versionId: string,
  options: { lock?: boolean } = {},
): Promise<VersionRow> {
  const v = options.lock
    ? await ctx.store.lockVersion(doc.id, versionId)
    : await ctx.store.getVersion(doc.id, versionId);
  if (!v) throw entityNotExists(versionId);
  return v;
}

/** A folder or a document, as requireResource finds it. */
export interface Resource {
  kind: 'folder' | 'document';
  ownerId: string;
  /** The resource and the folders above it, nearest first. */
  chain: string[];
  resourceState: string;
}

/** A folder or a document by id, with the access check. */
export async function requireResource(
  ctx: OpContext,
  id: string,
  access: Access,
): Promise<Resource> {
  const folder = await ctx.store.getFolder(id);
  if (folder) {
    await requireFolder(ctx, id, access);
    return {
      kind: 'folder',
      ownerId: folder.owner_id,
      chain: await ctx.store.folderChain(id),
      resourceState: folder.resource_state,
    };
  }
  const doc = await ctx.store.getDocument(id);
  if (doc) {
    await requireDocument(ctx, id, access);
    return {
      kind: 'document',
      ownerId: doc.owner_id,
      chain: [id, ...(await ctx.store.folderChain(doc.parent_id))],
      resourceState: doc.resource_state,
    };
  }
  throw entityNotExists(id);
}

export function requireAdministrator(ctx: OpContext, operation: string): void {
  if (ctx.user && ctx.user.type !== 'ADMIN') {
    throw new WorkDocsError(
      'UnauthorizedOperationException',
      `${operation} is an administrator operation`,
    );
  }
}

export async function requireUser(ctx: OpContext, id: string): Promise<UserRow> {
  const user = await ctx.store.getUser(id);
  if (user?.organization_id !== ctx.organizationId) throw entityNotExists(id);
  return user;
}

/** The folder a resource of `ownerId` moves into, its place reserved (reserveChild). */
export async function requireMovableInto(
  ctx: OpContext,
  ownerId: string,
  parentFolderId: string,
): Promise<FolderRow> {
  const target = await requireWritableFolder(ctx, parentFolderId);
  if (target.owner_id !== ownerId) {
    throw new WorkDocsError(
      'UnauthorizedOperationException',
      `Folder ${target.id} belongs to another user`,
    );
  }
  await reserveChild(ctx, target.id);
  return target;
}

/**
 * Counts one more child of the folder against the child limit (held until the operation
 * commits), or refuses with LimitExceededException.
 */
export async function reserveChild(ctx: OpContext, folderId: string): Promise<void> {
  if (!(await ctx.store.reserveChild(folderId, ctx.folderChildLimit))) {
    throw new WorkDocsError(
      'LimitExceededException',
      `Folder ${folderId} already has the maximum of ${ctx.folderChildLimit} children`,
    );
  }
}
