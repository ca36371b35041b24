/** Sharing: resource permissions (add, describe, remove). */
import type { GetResourcesRequest, GetResourcesResponse } from '@aws-sdk/client-workdocs';
import { WorkDocsError, invalidArgument } from '../errors.js';
import { requireResource } from './access.js';
import { page, str, typed } from './context.js';
import type { Handler } from './context.js';
import { contentsOut } from './folders.js';

export const addResourcePermissions: Handler = async (input, ctx) => {
  const resourceId = str(input, 'ResourceId') ?? '';
  const { ownerId } = await requireResource(ctx, resourceId, 'share');
  const principals = (input.Principals ?? []) as { Id: string; Type: string; Role: string }[];
  const results: Record<string, unknown>[] = [];
  for (const p of principals) {
    const failure = (message: string) => ({
      PrincipalId: p.Id,
      Role: p.Role,
      Status: 'FAILURE',
      StatusMessage: message,
    });
    if (p.Type !== 'USER') {
      results.push(failure(`Principal type ${p.Type} is not supported`));
      continue;
    }
    if (p.Role === 'OWNER') {
      results.push(failure('The OWNER role cannot be granted'));
      continue;
    }
    const user = await ctx.store.getUser(p.Id);
    if (user?.organization_id !== ctx.organizationId) {
      results.push(failure(`No user ${p.Id}`));
      continue;
    }
    if (user.id === ownerId) {
      results.push(failure('The principal owns the resource'));
      continue;
    }
    const shareId = await ctx.store.setPermission(resourceId, user.id, p.Role, ctx.now);
    results.push({ PrincipalId: user.id, Role: p.Role, Status: 'SUCCESS', ShareId: shareId });
  }
  return { ShareResults: results };
};

export const describeResourcePermissions: Handler = async (input, ctx) => {
  const resourceId = str(input, 'ResourceId') ?? '';
  const { ownerId, chain } = await requireResource(ctx, resourceId, 'read');
  const byPrincipal = new Map<string, { Role: string; Type: string }[]>();
  const add = (principalId: string, role: string, type: string): void => {
    const roles = byPrincipal.get(principalId) ?? [];
    roles.push({ Role: role, Type: type });
    byPrincipal.set(principalId, roles);
  };
  add(ownerId, 'OWNER', 'DIRECT');
  for (const [i, id] of chain.entries()) {
    for (const p of await ctx.store.permissionsOn(id))
      add(p.principal_id, p.role, i === 0 ? 'DIRECT' : 'INHERITED');
  }
  let principals = [...byPrincipal].map(([id, roles]) => ({ Id: id, Type: 'USER', Roles: roles }));
  const only = str(input, 'PrincipalId');
  if (only !== undefined) principals = principals.filter((p) => p.Id === only);
  const { items, marker } = page(principals, input);
  return { Principals: items, Marker: marker };
};

export const removeResourcePermission: Handler = async (input, ctx) => {
  const resourceId = str(input, 'ResourceId') ?? '';
  await requireResource(ctx, resourceId, 'share');
  await ctx.store.removePermission(resourceId, str(input, 'PrincipalId') ?? '');
  return {};
};

export const removeAllResourcePermissions: Handler = async (input, ctx) => {
  const resourceId = str(input, 'ResourceId') ?? '';
  await requireResource(ctx, resourceId, 'share');
  await ctx.store.removeAllPermissions(resourceId);
  return {};
};

/**
 * What was shared with a user (CollectionType SHARED_WITH_ME, the only one): the folders and
 * documents shared with them directly, folders first, oldest share first. With a token the caller
 * is that user (another UserId is UnauthorizedOperation); with the administrator's credentials
 * UserId says whose collection.
 */
export const getResources = typed<GetResourcesRequest, GetResourcesResponse>(async (input, ctx) => {
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
    const user = await ctx.store.getUser(input.UserId);
    if (user?.organization_id !== ctx.organizationId) {
      throw invalidArgument(`No user ${input.UserId} in this organization`);
    }
    userId = user.id;
  }
  const shared = await ctx.store.sharedWith(userId);
  const items = [
    ...shared.folders.map((row) => ({ kind: 'folder' as const, row })),
    ...shared.documents.map((row) => ({ kind: 'document' as const, row })),
  ];
  const { items: pageItems, marker } = page(items, input);
  return { ...(await contentsOut(ctx, pageItems)), Marker: marker };
});
