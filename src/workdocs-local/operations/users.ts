/** Users of the organization: current user, listing, create, update, (de)activate. */
import { WorkDocsError, entityNotExists, invalidArgument } from '../errors.js';
import type { UserChanges, UserRow } from '../storage/repo.js';
import { requireAdministrator, requireToken, requireUser } from './access.js';
import { compare, d, fieldList, page, str } from './context.js';
import type { Handler } from './context.js';

function storageRule(u: UserRow): Record<string, unknown> {
  return u.storage_type === 'QUOTA'
    ? { StorageType: 'QUOTA', StorageAllocatedInBytes: u.storage_allocated ?? 0 }
    : { StorageType: 'UNLIMITED' };
}

function userOut(u: UserRow, withStorage: boolean): Record<string, unknown> {
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
      ? {
          StorageUtilizedInBytes: u.storage_used,
          StorageRule: storageRule(u),
        }
      : undefined,
  };
}

export const getCurrentUser: Handler = (_input, ctx) => {
  const user = requireToken(ctx, 'GetCurrentUser');
  return { User: userOut(user, true) };
};

export const describeUsers: Handler = async (input, ctx) => {
  const orgId = str(input, 'OrganizationId');
  if (orgId !== undefined && orgId !== ctx.organizationId) throw entityNotExists(orgId);
  let users = await ctx.store.listUsers(ctx.organizationId);
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
        return u.storage_used;
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
    Users: items.map((u) => userOut(u, withStorage)),
    TotalNumberOfUsers: users.length,
    Marker: marker,
  };
};

export const createUser: Handler = async (input, ctx) => {
  requireAdministrator(ctx, 'CreateUser');
  const orgId = str(input, 'OrganizationId');
  if (orgId !== undefined && orgId !== ctx.organizationId) {
    throw invalidArgument(`OrganizationId ${orgId} is not this organization`);
  }
  const username = str(input, 'Username') ?? '';
  if (await ctx.store.getUserByUsername(username)) {
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
  const user = await ctx.store.createUser(
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
  return { User: userOut(user, true) };
};

export const updateUser: Handler = async (input, ctx) => {
  requireAdministrator(ctx, 'UpdateUser');
  const user = await requireUser(ctx, str(input, 'UserId') ?? '');
  const rule = input.StorageRule as
    { StorageType?: string; StorageAllocatedInBytes?: number } | undefined;
  const changes: UserChanges = {};
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
  await ctx.store.updateUser(user.id, changes, ctx.now);
  return { User: userOut(await requireUser(ctx, user.id), true) };
};

export const activateUser: Handler = async (input, ctx) => {
  requireAdministrator(ctx, 'ActivateUser');
  const user = await requireUser(ctx, str(input, 'UserId') ?? '');
  await ctx.store.updateUser(user.id, { status: 'ACTIVE' }, ctx.now);
  return { User: userOut(await requireUser(ctx, user.id), true) };
};

export const deactivateUser: Handler = async (input, ctx) => {
  requireAdministrator(ctx, 'DeactivateUser');
  const user = await requireUser(ctx, str(input, 'UserId') ?? '');
  await ctx.store.updateUser(user.id, { status: 'INACTIVE' }, ctx.now);
  return {};
};
