/**
 * All access rules of WorkDocs Local in one place. A user reaches resources they own, and those
 * shared with them (on the resource or a folder above it) with a role that allows the access;
 * requests without a token act as the organization's administrator and reach everything.
 */
import { WorkDocsError, entityNotExists, prohibited } from '../errors.js';
import type { DocumentRow, FolderRow, UserRow, VersionRow } from '../storage/store.js';
import { RECYCLED_STATES } from './context.js';
import type { OpContext } from './context.js';

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

export function requireFolder(ctx: OpContext, id: string, access: Access = 'read'): FolderRow {
  const folder = ctx.store.getFolder(id);
  if (!folder) throw entityNotExists(id);
  checkAccess(ctx, folder.owner_id, () => ctx.store.folderChain(id), access, `folder ${id}`);
  return folder;
}

export function requireWritableFolder(ctx: OpContext, id: string): FolderRow {
  const folder = requireFolder(ctx, id, 'write');
  if (RECYCLED_STATES.has(folder.resource_state)) {
    throw prohibited(`Folder ${id} is ${folder.resource_state}`);
  }
  return folder;
}

export function requireDocument(ctx: OpContext, id: string, access: Access = 'read'): DocumentRow {
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

export function requireVersion(ctx: OpContext, doc: DocumentRow, versionId: string): VersionRow {
  const v = ctx.store.getVersion(doc.id, versionId);
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
export function requireResource(ctx: OpContext, id: string, access: Access): Resource {
  const folder = ctx.store.getFolder(id);
  if (folder) {
    requireFolder(ctx, id, access);
    return {
      kind: 'folder',
      ownerId: folder.owner_id,
      chain: ctx.store.folderChain(id),
      resourceState: folder.resource_state,
    };
  }
  const doc = ctx.store.getDocument(id);
  if (doc) {
    requireDocument(ctx, id, access);
    return {
      kind: 'document',
      ownerId: doc.owner_id,
      chain: [id, ...ctx.store.folderChain(doc.parent_id)],
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

export function requireUser(ctx: OpContext, id: string): UserRow {
  const user = ctx.store.getUser(id);
  if (user?.organization_id !== ctx.organizationId) throw entityNotExists(id);
  return user;
}

export function requireMovableInto(
  ctx: OpContext,
  ownerId: string,
  parentFolderId: string,
): FolderRow {
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
