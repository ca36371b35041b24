/**
 * `Query`: the reads a UI needs. Every read goes through the request's loaders (`ctx.loaders`), so a
 * document, folder or user fetched once is not fetched again in the same request.
 *
 * A resource that does not exist resolves to null with an `ENTITY_NOT_EXISTS` error in `errors`
 * (`toGraphQLError`); other failures follow the table in `errors.ts`. Arguments are validated
 * against the WorkDocs model before any call (INVALID_ARGUMENT, with `extensions.field`).
 */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { QueryResolvers, Resolvers } from '../../generated/graphql.js';
import { GatewayError, InvalidArgumentError, toGraphQLError } from '../errors.js';
import { requiredId, requiredUserId } from '../validation.js';

/** The most ids `users(ids)` accepts. */
export const MAX_USER_IDS = 100;

/** Whether the field being resolved selects `name` directly (through fragments too). */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  const visit = (set: SelectionSetNode | undefined, seen: Set<string>): boolean =>
    (set?.selections ?? []).some((sel) => {
      if (sel.kind === Kind.FIELD) return sel.name.value === name;
      if (sel.kind === Kind.INLINE_FRAGMENT) return visit(sel.selectionSet, seen);
      const fragmentName = sel.name.value;
      if (seen.has(fragmentName)) return false;
      seen.add(fragmentName);
      return visit(info.fragments[fragmentName]?.selectionSet, seen);
    });
  return info.fieldNodes.some((node) => visit(node.selectionSet, new Set()));
}

/**
 * Whether the field being resolved selects `contents` (any aliases) and nothing else but
 * `__typename`, directly or through fragments, with no directive anywhere (a `@skip`ped `contents`
 * must not turn a missing folder into an empty object).
 */
export function selectsOnlyContents(info: GraphQLResolveInfo): boolean {
  let contents = false;
  const visit = (set: SelectionSetNode | undefined, seen: Set<string>): boolean =>
    (set?.selections ?? []).every((sel) => {
      if ((sel.directives?.length ?? 0) > 0) return false;
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value === 'contents') contents = true;
        return sel.name.value === 'contents' || sel.name.value === '__typename';
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) return visit(sel.selectionSet, seen);
      const fragmentName = sel.name.value;
      if (seen.has(fragmentName)) return true;
      seen.add(fragmentName);
      const fragment = info.fragments[fragmentName];
      return fragment !== undefined && visit(fragment.selectionSet, seen);
    });
  return info.fieldNodes.every((node) => visit(node.selectionSet, new Set())) && contents;
}

/** Reads that need the caller's identity refuse early and clearly without a token. */
function requireToken(token: string | undefined, what: string): void {
  if (token === undefined) {
    throw new GatewayError({
      code: 'UNAUTHENTICATED',
      message: `${what} needs a WorkDocs user token: send the header \`Authorization: Bearer <token>\`.`,
    });
  }
}

const query: QueryResolvers = {
  document: async (_root, args, ctx) => {
    try {
      return await ctx.loaders.documents.load(requiredId(args.id, 'id'));
    } catch (err) {
      throw toGraphQLError(err);
    }
  },

  documentVersion: async (_root, args, ctx, info) => {
    try {
      const documentId = requiredId(args.documentId, 'documentId');
      const versionId = requiredId(args.versionId, 'versionId');
      const version = await ctx.loaders.documentVersion.load({
        documentId,
        versionId,
        withSource: selectsField(info, 'source'),
      });
      return { documentId, version };
    } catch (err) {
      throw toGraphQLError(err);
    }
  },

  folder: async (_root, args, ctx, info) => {
    try {
      const id = requiredId(args.id, 'id');
      // Only `contents` asked for: DescribeFolderContents alone answers it (and fails the same
      // way for a folder that does not exist or may not be read), so no GetFolder first — one
      // upstream call less per listing (`npm run bench -- --only=reads`).
      if (selectsOnlyContents(info)) return { Id: id };
      return await ctx.loaders.folders.load(id);
    } catch (err) {
      throw toGraphQLError(err);
    }
  },

  rootFolders: async (_root, _args, ctx) => {
    try {
      requireToken(ctx.authenticationToken, 'rootFolders');
      return await ctx.loaders.rootFolders();
    } catch (err) {
      throw toGraphQLError(err);
    }
  },

  me: async (_root, _args, ctx) => {
    try {
      requireToken(ctx.authenticationToken, 'me');
      return await ctx.loaders.currentUser();
    } catch (err) {
      throw toGraphQLError(err);
    }
  },

  users: async (_root, args, ctx) => {
    try {
      if (args.ids.length > MAX_USER_IDS) {
        throw new InvalidArgumentError(
          'ids',
          `at most ${String(MAX_USER_IDS)} ids (got ${String(args.ids.length)})`,
        );
      }
      const ids = args.ids.map((id, i) => requiredUserId(id, `ids[${String(i)}]`));
      const users = await ctx.loaders.users.loadMany(ids);
      return users.map((u) => {
        if (u instanceof Error) throw u;
        return u;
      });
    } catch (err) {
      throw toGraphQLError(err);
    }
  },
};

export const queryResolvers: Resolvers = { Query: query };
