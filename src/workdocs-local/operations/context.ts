/**
 * What every WorkDocs Local operation gets: the context of the call (OpContext), input helpers,
 * paging and the small output helpers shared by several resources.
 */
import { invalidArgument } from '../errors.js';
import type { Input } from '../model.js';
import type { Repo, UserRow } from '../storage/repo.js';

export interface OpContext {
  /** The storage, within this operation's transaction. */
  store: Repo;
  /** The caller; undefined = the organization's administrator (SigV4 without a token). */
  user: UserRow | undefined;
  organizationId: string;
  now: number;
  urlBase: string;
  urlKey: Buffer;
  urlTtlSeconds: number;
  folderChildLimit: number;
  defaultStorageBytes: number | undefined;
  /** The largest upload (one version's bytes); WORKDOCS_LOCAL_MAX_UPLOAD_BYTES. */
  maxUploadBytes: number;
  /** Blobs let go (Repo.letGo) by this operation: their files are deleted once it commits. */
  blobsToDelete: string[];
}

/**
 * An operation: runs inside one storage transaction, returns the output structure (or a promise of
 * it; the dispatcher awaits it).
 */
export type Handler = (input: Input, ctx: OpContext) => unknown;

/**
 * A handler typed by the official SDK's request and response types (e.g. `GetResourcesRequest` →
 * `GetResourcesResponse` from `@aws-sdk/client-workdocs`). The input has been bound and validated
 * against the model's input shape, which the SDK's request type mirrors member for member
 * (timestamps as Date); the output is serialized by `toWire`.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- I and O type the handler written (the SDK's request and response); the table erases them
export function typed<I, O>(handler: (input: I, ctx: OpContext) => O | Promise<O>): Handler {
  return (input, ctx) => handler(input as I, ctx);
}

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export const RECYCLED_STATES = new Set(['RECYCLED', 'RECYCLING']);

export function str(input: Input, name: string): string | undefined {
  const v = input[name];
  return typeof v === 'string' ? v : undefined;
}

export function num(input: Input, name: string): number | undefined {
  const v = input[name];
  return typeof v === 'number' ? v : undefined;
}

export function date(input: Input, name: string): Date | undefined {
  const v = input[name];
  return v instanceof Date ? v : undefined;
}

export function fieldList(value: string | undefined): Set<string> {
  return new Set(
    (value ?? '')
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter((s) => s.length > 0),
  );
}

export const d = (ms: number | null): Date | undefined => (ms === null ? undefined : new Date(ms));

function decodeMarker(marker: string | undefined): number {
  if (marker === undefined) return 0;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'o' in parsed &&
      typeof parsed.o === 'number' &&
      Number.isSafeInteger(parsed.o) &&
      parsed.o >= 0
    ) {
      return parsed.o;
    }
  } catch {
    // fall through
  }
  throw invalidArgument('Marker is not a marker this service issued');
}

/** The paging members of a request (every listing's `Marker` and `Limit`). */
export interface PageInput {
  Marker?: string | undefined;
  Limit?: number | undefined;
}

export function page<T>(
  items: T[],
  input: PageInput | Input,
): { items: T[]; marker: string | undefined } {
  const offset = decodeMarker(typeof input.Marker === 'string' ? input.Marker : undefined);
  const limit = (typeof input.Limit === 'number' ? input.Limit : undefined) ?? 100;
  const slice = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? offset + limit : undefined;
  return {
    items: slice,
    marker:
      next === undefined
        ? undefined
        : Buffer.from(JSON.stringify({ o: next })).toString('base64url'),
  };
}

export function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

export function resourceState(input: Input): string | undefined {
  const state = str(input, 'ResourceState');
  if (state !== undefined && state !== 'ACTIVE' && state !== 'RECYCLED') {
    throw invalidArgument('ResourceState must be ACTIVE or RECYCLED');
  }
  return state;
}

/** Path components root first; `Limit` counts levels upwards from the resource (default 100). */
export async function pathOut(
  ctx: OpContext,
  chain: string[],
  leaf: { id: string; name: string | null } | undefined,
  input: Input,
) {
  const withNames = fieldList(str(input, 'Fields')).has('NAME');
  const limit = num(input, 'Limit') ?? 100;
  const names = new Map(
    withNames ? (await ctx.store.getFolders(chain)).map((f) => [f.id, f.name]) : [],
  );
  const components = chain.map((id) => ({
    Id: id,
    Name: withNames ? (names.get(id) ?? undefined) : undefined,
  }));
  if (leaf)
    components.unshift({ Id: leaf.id, Name: withNames ? (leaf.name ?? undefined) : undefined });
  return { Path: { Components: components.slice(0, limit).reverse() } };
}
