/** Sharing: resource permissions (add, describe, remove). */
import type { GetResourcesRequest, GetResourcesResponse } from '@aws-sdk/client-workdocs';
import { WorkDocsError, invalidArgument } from '../errors.js';
import type { Input } from '../model.js';
import { requireResource } from './access.js';
import { page, str, typed } from './context.js';
import type { Handler } from './context.js';
import { contentsOut } from './folders.js';

export const addResourcePermissions: Handler = (input, ctx) => {
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

export const describeResourcePermissions: Handler = (input, ctx) => {
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

export const removeResourcePermission: Handler = (input, ctx) => {
  const resourceId = str(input, 'ResourceId') ?? '';
  requireResource(ctx, resourceId, 'share');
  ctx.store.removePermission(resourceId, str(input, 'PrincipalId') ?? '');
  return {};
};

export const removeAllResourcePermissions: Handler = (input, ctx) => {
  const resourceId = str(input, 'ResourceId') ?? '';
  requireResource(ctx, resourceId, 'share');
  ctx.store.removeAllPermissions(resourceId);
  return {};
};

/**
 * What was shared with a user (CollectionType SHARED_WITH_ME, the only one): the folders and
 * documents shared with them directly, folders first, oldest share first. With a token the caller
 * is that user (another UserId is UnauthorizedOperation); with the administrator's credentials
 * UserId says whose collection.
 */
export const getResources = typed<GetResourcesRequest, GetResourcesResponse>((input, ctx) => {
  let userId: string;
  if (ctx.user) {
    if (input.UserId !== undefined && input.UserId !== ctx.user.id) {
      throw new WorkDocsError(
        'UnauthorizedOperationException',
        'A user may list only the resources shared with themselves',
      );
    }
    userId = ctx.user.id;
  } else {
    if (input.UserId === undefined) {
      throw invalidArgument('UserId is required with the administrator credentials');
    }
    const user = ctx.store.getUser(input.UserId);
    if (user?.organization_id !== ctx.organizationId) {
      throw invalidArgument(`No user ${input.UserId} in this organization`);
    }
    userId = user.id;
  }
  const shared = ctx.store.sharedWith(userId);
  const items = [
    ...shared.folders.map((row) => ({ kind: 'folder' as const, row })),
    ...shared.documents.map((row) => ({ kind: 'document' as const, row })),
  ];
  const { items: pageItems, marker } = page(items, input as Input);
  return { ...contentsOut(ctx, pageItems), Marker: marker };
});
