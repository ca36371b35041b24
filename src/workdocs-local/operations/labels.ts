/**
 * Labels and custom metadata of folders and documents (custom metadata also of a document
 * version). Labels appear in every FolderMetadata and DocumentMetadata (`Labels`); custom metadata
 * in GetFolder, GetDocument and GetDocumentVersion with `IncludeCustomMetadata`.
 *
 * Limits are the model's: at most 20 labels on a resource (SharedLabels) → TooManyLabelsException,
 * at most 8 custom metadata keys on a resource or version (CustomMetadataMap) →
 * CustomMetadataLimitExceededException. Changing either needs write access (a CONTRIBUTOR share).
 */
import type {
  CreateCustomMetadataRequest,
  CreateCustomMetadataResponse,
  CreateLabelsRequest,
  CreateLabelsResponse,
  DeleteCustomMetadataRequest,
  DeleteCustomMetadataResponse,
  DeleteLabelsRequest,
  DeleteLabelsResponse,
} from '@aws-sdk/client-workdocs';
import { WorkDocsError, invalidArgument, prohibited } from '../errors.js';
import { getShape } from '../model.js';
import { requireResource, requireVersion } from './access.js';
import type { Resource } from './access.js';
import { RECYCLED_STATES, typed } from './context.js';
import type { OpContext } from './context.js';

const MAX_LABELS = getShape('SharedLabels').max ?? 20;
const MAX_CUSTOM_METADATA = getShape('CustomMetadataMap').max ?? 8;

/** The custom metadata of a resource or one of its versions; undefined if there is none. */
export async function customMetadataOut(
  ctx: OpContext,
  resourceId: string,
  versionId?: string,
): Promise<Record<string, string> | undefined> {
  const entries = await ctx.store.customMetadata(resourceId, versionId ?? null);
  return Object.keys(entries).length > 0 ? entries : undefined;
}

export const createLabels = typed<CreateLabelsRequest, CreateLabelsResponse>(async (input, ctx) => {
  const id = input.ResourceId ?? '';
  await requireResource(ctx, id, 'write');
  if (!(await ctx.store.addLabels(id, input.Labels ?? [], MAX_LABELS, ctx.now))) {
    throw new WorkDocsError(
      'TooManyLabelsException',
      `A resource has at most ${MAX_LABELS} labels; ${id} would have more`,
    );
  }
  return {};
});

export const deleteLabels = typed<DeleteLabelsRequest, DeleteLabelsResponse>(async (input, ctx) => {
  const id = input.ResourceId ?? '';
  await requireResource(ctx, id, 'write');
  if (input.DeleteAll === true) await ctx.store.removeLabels(id, 'all');
  else if (input.Labels !== undefined) await ctx.store.removeLabels(id, input.Labels);
  else throw invalidArgument('Labels or DeleteAll=true is required');
  return {};
});

/**
 * The resource (with write access, not in the recycle bin) and the version whose custom metadata
 * is meant: `versionId` only for a document.
 */
async function metadataTarget(
  ctx: OpContext,
  resourceId: string,
  versionId: string | undefined,
): Promise<{ resource: Resource; versionId: string | null }> {
  const resource = await requireResource(ctx, resourceId, 'write');
  if (RECYCLED_STATES.has(resource.resourceState)) {
    throw prohibited(`Resource ${resourceId} is ${resource.resourceState}`);
  }
  if (versionId === undefined) return { resource, versionId: null };
  if (resource.kind !== 'document') {
    throw invalidArgument(`VersionId applies to a document; ${resourceId} is a folder`);
  }
  const doc = await ctx.store.getDocument(resourceId);
  if (!doc) throw invalidArgument(`No document ${resourceId}`);
  return { resource, versionId: (await requireVersion(ctx, doc, versionId)).id };
}

export const createCustomMetadata = typed<
  CreateCustomMetadataRequest,
  CreateCustomMetadataResponse
>(async (input, ctx) => {
  const id = input.ResourceId ?? '';
  const { versionId } = await metadataTarget(ctx, id, input.VersionId);
  if (
    !(await ctx.store.putCustomMetadata(
      id,
      versionId,
      input.CustomMetadata ?? {},
      MAX_CUSTOM_METADATA,
    ))
  ) {
    throw new WorkDocsError(
      'CustomMetadataLimitExceededException',
      `A resource has at most ${MAX_CUSTOM_METADATA} custom metadata keys; ${versionId ?? id} would have more`,
    );
  }
  return {};
});

export const deleteCustomMetadata = typed<
  DeleteCustomMetadataRequest,
  DeleteCustomMetadataResponse
>(async (input, ctx) => {
  const id = input.ResourceId ?? '';
  const { versionId } = await metadataTarget(ctx, id, input.VersionId);
  if (input.DeleteAll === true) await ctx.store.removeCustomMetadata(id, versionId, 'all');
  else if (input.Keys !== undefined)
    await ctx.store.removeCustomMetadata(id, versionId, input.Keys);
  else throw invalidArgument('Keys or DeleteAll=true is required');
  return {};
});
