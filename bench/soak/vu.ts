/**
 * A virtual user: loops through what a frontend does — list its folder, initiate an upload, PUT the
 * bytes, complete (or abandon after the initiate, or halfway through the PUT, or abort), read the
 * document back with its creator and a download URL, download and hash it — until told to stop.
 *
 * It behaves like a careful client: it retries a failed request only when the gateway said
 * `retryable: true`, and after an error of unknown outcome on a write it finds out before going on.
 * Whatever it observes that contradicts a check is recorded as a violation.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  abandonedPut,
  download,
  graphql,
  put,
  type GraphQLOutcome,
  type SeenError,
} from './client.js';
import type { Plan, Recorder, Upload, WriteOperation } from './record.js';

export const LIST = `query SoakList($id: ID!) {
  folder(id: $id) {
    id
    contents(first: 20, type: DOCUMENT, sort: DATE, order: DESCENDING) {
      edges { node { __typename ... on DocumentMetadata { id latestVersionMetadata { id name size status } creator { username } } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export const INITIATE = `mutation SoakInitiate($input: InitiateDocumentVersionUploadInput!) {
  initiateDocumentVersionUpload(input: $input) {
    __typename
    ... on InitiateDocumentVersionUploadPayload {
      metadata { id latestVersionMetadata { id status } }
      uploadMetadata { uploadUrl signedHeaders { name value } }
    }
    ... on UserError { code message }
  }
}`;

export const COMPLETE = `mutation SoakComplete($documentId: ID!, $versionId: ID!) {
  completeDocumentVersionUpload(documentId: $documentId, versionId: $versionId) {
    __typename
    ... on CompleteDocumentVersionUploadPayload { document { id latestVersionMetadata { id status } } }
    ... on UserError { code message }
  }
}`;

export const ABORT = `mutation SoakAbort($documentId: ID!, $versionId: ID!) {
  abortDocumentVersionUpload(documentId: $documentId, versionId: $versionId) {
    __typename
    ... on AbortDocumentVersionUploadPayload { documentId versionId }
    ... on UserError { code message }
  }
}`;

export const READ = `query SoakRead($id: ID!) {
  document(id: $id) {
    id
    latestVersionMetadata { id name size status signature source { original } }
    creator { id username }
  }
}`;

interface ListData {
  folder: {
    contents: {
      edges: {
        node: {
          __typename: string;
          id?: string;
          latestVersionMetadata?: { name: string | null; status: string | null } | null;
        };
      }[];
    };
  } | null;
}
interface MutationResult {
  __typename: string;
  code?: string;
  message?: string;
  metadata?: { id: string; latestVersionMetadata: { id: string } | null };
  uploadMetadata?: { uploadUrl: string; signedHeaders: { name: string; value: string }[] };
  document?: { id: string; latestVersionMetadata: { id: string; status: string | null } | null };
}
interface ReadData {
  document: {
    id: string;
    latestVersionMetadata: {
      id: string;
      name: string | null;
      size: string | number | null;
      status: string | null;
      signature: string | null;
      source: { original: string | null } | null;
    } | null;
    creator: { id: string; username: string | null } | null;
  } | null;
}

/** The realistic mix of what becomes of an upload, in percent. */
const PLANS: [Plan, number][] = [
  ['complete', 72],
  ['abandonAfterInitiate', 8],
  ['abandonHalfway', 5],
  ['abortAfterPut', 10],
  ['abortAfterInitiate', 5],
];

function pickPlan(): Plan {
  let r = Math.random() * 100;
  for (const [plan, weight] of PLANS) {
    if (r < weight) return plan;
    r -= weight;
  }
  return 'complete';
}

/** Sizes from bytes to a few MiB, log-uniform in three bands (most files are small). */
export function pickSize(maxBytes: number): number {
  const r = Math.random();
  const [lo, hi] =
    r < 0.5 ? [1, 4096] : r < 0.85 ? [4096, 256 * 1024] : [256 * 1024, Math.max(maxBytes, 262145)];
  return Math.max(
    1,
    Math.floor(Math.exp(Math.log(lo) + Math.random() * (Math.log(hi) - Math.log(lo)))),
  );
}

/**
 * Whether an error says for sure that the write did not happen: an expected outcome (data channel)
 * or a 4xx. After anything else (a 5xx, a timeout, no answer) the write may have happened.
 */
function definitive(err: SeenError): boolean {
  return err.channel === 'data' || (err.httpStatus !== undefined && err.httpStatus < 500);
}

/** The client's view of a write that ended with `err`. */
const outcomeOf = (err: SeenError): 'failed' | 'unknown' =>
  definitive(err) ? 'failed' : 'unknown';

/** An error after which a careful client must find out what happened before going on. */
const mustFindOut = (err: SeenError | undefined): boolean =>
  err !== undefined && !definitive(err) && err.retryable !== true;

export interface VuOptions {
  index: number;
  gatewayUrl: string;
  token: string;
  username: string;
  folderId: string;
  maxBytes: number;
  recorder: Recorder;
  /** True once the soak's time is up: finish the current upload, then stop. */
  stopping: () => boolean;
  /** Aborted when the soak gives up waiting for the virtual users. */
  signal: AbortSignal;
}

export class VirtualUser {
  private seq = 0;
  /** Names this user left as drafts (they must never be listed as ACTIVE). */
  private readonly drafts = new Set<string>();

  constructor(private readonly o: VuOptions) {}

  async run(): Promise<void> {
    while (!this.o.stopping() && !this.o.signal.aborted) {
      await this.iteration();
    }
  }

  private get r(): Recorder {
    return this.o.recorder;
  }

  /** One GraphQL call, timed and its errors recorded. */
  private async call<T>(
    op: string,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<GraphQLOutcome<T>> {
    const out = await graphql<T>(this.o.gatewayUrl, this.o.token, query, variables, this.o.signal);
    if (out.transportError !== undefined) {
      if (!this.o.signal.aborted) {
        this.r.transportErrors += 1;
        this.r.violation(
          'unexplained5xx',
          `${op}: no HTTP answer from the gateway: ${out.transportError}`,
        );
      }
      this.r.timing(op, out.ms, false);
      return out;
    }
    const dataErrors = dataChannelErrors(out.data);
    const all = [...out.errors, ...dataErrors];
    this.r.errors(op, out.status, all);
    this.r.timing(op, out.ms, all.length === 0 && out.status === 200);
    return out;
  }

  private async iteration(): Promise<void> {
    await this.list();
    if (this.o.stopping()) return;
    const size = pickSize(this.o.maxBytes);
    const bytes = randomBytes(size);
    this.seq += 1;
    const upload: Upload = {
      vu: this.o.index,
      user: this.o.username,
      name: `soak-vu${String(this.o.index).padStart(2, '0')}-${String(this.seq).padStart(6, '0')}.bin`,
      folderId: this.o.folderId,
      size,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      plan: pickPlan(),
      documentId: undefined,
      versionId: undefined,
      initiate: 'none',
      initiateLandedUnseen: false,
      put: 'none',
      complete: 'none',
      abort: 'none',
    };
    this.r.uploads.push(upload);
    const init = await this.initiate(upload);
    if (!init) return;
    if (upload.plan === 'abandonAfterInitiate') {
      this.drafts.add(upload.name);
      return;
    }
    if (upload.plan === 'abortAfterInitiate') {
      await this.abort(upload);
      return;
    }
    if (upload.plan === 'abandonHalfway') {
      const ms = await abandonedPut(init.url, init.headers, bytes);
      this.r.timing('put (abandoned halfway)', ms, true);
      upload.put = 'partial';
      this.drafts.add(upload.name);
      return;
    }
    const sent = await put(init.url, init.headers, bytes, this.o.signal);
    this.r.timing('put', sent.ms, sent.status === 200);
    if (sent.status >= 500) this.r.transfer5xx('put', sent.status);
    if (sent.status !== 200) {
      if (!this.o.signal.aborted) {
        this.r.violation(
          sent.status >= 500 || sent.status === 0 ? 'unexplained5xx' : 'integrity',
          `put ${upload.name}: ${String(sent.status)} ${sent.transportError ?? ''}`,
        );
      }
      upload.put = 'failed';
      await this.abort(upload);
      return;
    }
    upload.put = 'ok';
    this.r.bytesUp += size;
    if (upload.plan === 'abortAfterPut') {
      await this.abort(upload);
      return;
    }
    if (!(await this.complete(upload))) return;
    await this.readBack(upload);
  }

  private async list(): Promise<void> {
    const out = await this.call<ListData>('list', LIST, { id: this.o.folderId });
    for (const edge of out.data?.folder?.contents.edges ?? []) {
      const v = edge.node.latestVersionMetadata;
      if (!v) continue;
      if (v.status !== 'ACTIVE') {
        this.r.violation(
          'integrity',
          `list: ${String(v.name)} listed with status ${String(v.status)}`,
        );
      }
      if (v.name !== null && this.drafts.has(v.name)) {
        this.r.violation('integrity', `list: abandoned draft ${v.name} listed`);
      }
    }
  }

  /**
   * Sends a write, retrying only after `retryable: true`. Returns the last outcome and whether an
   * earlier attempt had been answered with a retryable error.
   */
  private async write(
    op: WriteOperation,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<{
    out: GraphQLOutcome<Record<string, MutationResult>>;
    retriedAfterRetryable: boolean;
  }> {
    let retriedAfterRetryable = false;
    for (let attempt = 1; ; attempt++) {
      this.r.writesSent[op] += 1;
      const out = await this.call<Record<string, MutationResult>>(op, query, variables);
      const err = writeError(out, op);
      if (err?.retryable === true && attempt < 3 && !this.o.signal.aborted) {
        this.r.retried(`${op} after retryable ${String(err.code)}`);
        retriedAfterRetryable = true;
        continue;
      }
      return { out, retriedAfterRetryable };
    }
  }

  private async initiate(
    upload: Upload,
  ): Promise<{ url: string; headers: Record<string, string> } | undefined> {
    const variables = {
      input: {
        name: upload.name,
        contentType: 'application/octet-stream',
        documentSizeInBytes: upload.size,
        parentFolderId: upload.folderId,
      },
    };
    const first = await this.write('initiate', INITIATE, variables);
    const retriedAfterRetryable = first.retriedAfterRetryable;
    let out = first.out;
    let err = writeError(out, 'initiate');
    if (mustFindOut(err)) {
      // Unknown outcome, not retryable: find out by asking for the same name again.
      this.r.retried('initiate to find out after unknown outcome');
      const second = await this.write('initiate', INITIATE, variables);
      out = second.out;
      err = writeError(out, 'initiate');
      if (err?.code === 'ENTITY_ALREADY_EXISTS') {
        upload.initiate = 'unknown';
        upload.initiateLandedUnseen = true;
        return undefined;
      }
    } else if (retriedAfterRetryable && err?.code === 'ENTITY_ALREADY_EXISTS') {
      this.r.violation(
        'duplicates',
        `initiate ${upload.name}: retried after retryable:true and the first had created the document (ENTITY_ALREADY_EXISTS)`,
      );
      upload.initiate = 'unknown';
      upload.initiateLandedUnseen = true;
      return undefined;
    }
    const payload = out.data?.initiateDocumentVersionUpload;
    if (err || payload?.metadata === undefined || payload.uploadMetadata === undefined) {
      upload.initiate = err ? outcomeOf(err) : 'failed';
      return undefined;
    }
    upload.initiate = 'ok';
    upload.documentId = payload.metadata.id;
    upload.versionId = payload.metadata.latestVersionMetadata?.id;
    const headers: Record<string, string> = {};
    for (const h of payload.uploadMetadata.signedHeaders) headers[h.name] = h.value;
    return { url: payload.uploadMetadata.uploadUrl, headers };
  }

  private async abort(upload: Upload): Promise<void> {
    const variables = { documentId: upload.documentId, versionId: upload.versionId };
    const first = await this.write('abort', ABORT, variables);
    const retriedAfterRetryable = first.retriedAfterRetryable;
    let out = first.out;
    let err = writeError(out, 'abort');
    if (retriedAfterRetryable && err?.code === 'ENTITY_NOT_EXISTS') {
      this.r.violation(
        'duplicates',
        `abort ${upload.name}: retried after retryable:true and the first had already aborted (ENTITY_NOT_EXISTS)`,
      );
      upload.abort = 'ok';
      return;
    }
    if (mustFindOut(err)) {
      this.r.retried('read after abort of unknown outcome');
      const state = await this.readState(upload);
      if (state === 'gone') {
        upload.abort = 'ok';
        return;
      }
      if (state === 'unknown') {
        upload.abort = 'unknown';
        return;
      }
      ({ out } = await this.write('abort', ABORT, variables));
      err = writeError(out, 'abort');
    }
    upload.abort = err ? outcomeOf(err) : 'ok';
    if (upload.abort !== 'ok') this.drafts.add(upload.name);
  }

  /** Activates the upload; true when it is known to be ACTIVE. */
  private async complete(upload: Upload): Promise<boolean> {
    const variables = { documentId: upload.documentId, versionId: upload.versionId };
    const first = await this.write('complete', COMPLETE, variables);
    const retriedAfterRetryable = first.retriedAfterRetryable;
    let out = first.out;
    let err = writeError(out, 'complete');
    if (retriedAfterRetryable && err?.code === 'PROHIBITED_STATE') {
      this.r.violation(
        'duplicates',
        `complete ${upload.name}: retried after retryable:true and the first had already activated it (PROHIBITED_STATE)`,
      );
      upload.complete = 'ok';
      return true;
    }
    if (mustFindOut(err)) {
      this.r.retried('read after complete of unknown outcome');
      const state = await this.readState(upload);
      if (state === 'active') {
        upload.complete = 'ok';
        return true;
      }
      if (state !== 'initialized') {
        upload.complete = 'unknown';
        return false;
      }
      ({ out } = await this.write('complete', COMPLETE, variables));
      err = writeError(out, 'complete');
    }
    if (err) {
      upload.complete = outcomeOf(err);
      return false;
    }
    upload.complete = 'ok';
    // The activation succeeded; its `document` may still have failed to be read (its own error).
    const doc = out.data?.completeDocumentVersionUpload?.document;
    if (
      doc &&
      (doc.latestVersionMetadata?.status !== 'ACTIVE' ||
        doc.latestVersionMetadata.id !== upload.versionId)
    ) {
      this.r.violation(
        'integrity',
        `complete ${upload.name}: answered latest version ${String(doc.latestVersionMetadata?.id)} ${String(doc.latestVersionMetadata?.status)}`,
      );
    }
    return true;
  }

  /** Reads the document (retrying after `retryable: true`) to learn a write's outcome. */
  private async readState(upload: Upload): Promise<'gone' | 'initialized' | 'active' | 'unknown'> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const out = await this.call<ReadData>('read (to find out)', READ, { id: upload.documentId });
      const err = firstError(out);
      if (err?.code === 'ENTITY_NOT_EXISTS') return 'gone';
      if (err?.retryable === true) continue;
      const v = out.data?.document?.latestVersionMetadata;
      if (!err && v) {
        if (v.id !== upload.versionId) return 'unknown';
        return v.status === 'ACTIVE' ? 'active' : 'initialized';
      }
      return 'unknown';
    }
    return 'unknown';
  }

  /** Reads the document back with its creator and download URL, downloads and hashes it. */
  private async readBack(upload: Upload): Promise<void> {
    let out: GraphQLOutcome<ReadData> | undefined;
    for (let attempt = 1; attempt <= 3; attempt++) {
      out = await this.call<ReadData>('read', READ, { id: upload.documentId });
      if (firstError(out)?.retryable !== true) break;
      this.r.retried(`read after retryable ${String(firstError(out)?.code)}`);
    }
    if (!out || firstError(out)) return;
    const doc = out.data?.document;
    const v = doc?.latestVersionMetadata;
    const problems: string[] = [];
    if (!doc || !v) problems.push('no document or version');
    else {
      if (v.id !== upload.versionId)
        problems.push(`latest version ${v.id}, uploaded ${String(upload.versionId)}`);
      if (v.status !== 'ACTIVE') problems.push(`status ${String(v.status)}`);
      if (Number(v.size) !== upload.size) problems.push(`size ${String(v.size)} ≠ ${upload.size}`);
      if (v.signature !== upload.sha256)
        problems.push(`signature ${String(v.signature)} ≠ uploaded SHA-256`);
      if (doc.creator?.username !== this.o.username) {
        problems.push(`creator ${String(doc.creator?.username)} ≠ ${this.o.username}`);
      }
    }
    if (problems.length > 0) {
      this.r.violation('integrity', `read ${upload.name}: ${problems.join('; ')}`);
      return;
    }
    const url = v?.source?.original;
    if (!url) {
      this.r.violation('integrity', `read ${upload.name}: no download URL`);
      return;
    }
    const got = await download(url, this.o.signal);
    this.r.timing('download', got.ms, got.status === 200);
    if (got.status >= 500) this.r.transfer5xx('download', got.status);
    if (this.o.signal.aborted) return;
    if (got.status !== 200 || got.sha256 !== upload.sha256) {
      this.r.violation(
        got.status >= 500 || got.status === 0 ? 'unexplained5xx' : 'integrity',
        `download ${upload.name}: status ${String(got.status)}, ${String(got.size)} bytes, SHA-256 ${got.sha256 === upload.sha256 ? 'matches' : 'differs'} ${got.transportError ?? ''}`,
      );
      return;
    }
    this.r.bytesDown += got.size ?? 0;
  }
}

/** The data-channel errors (`UserError` members of result unions) in a mutation's data. */
function dataChannelErrors(data: unknown): SeenError[] {
  if (data === null || typeof data !== 'object') return [];
  const found: SeenError[] = [];
  for (const value of Object.values(data as Record<string, unknown>)) {
    if (value === null || typeof value !== 'object') continue;
    const v = value as { __typename?: unknown; code?: unknown; message?: unknown };
    if (typeof v.__typename === 'string' && v.__typename.endsWith('Error')) {
      found.push({
        code: typeof v.code === 'string' ? v.code : undefined,
        httpStatus: undefined,
        retryable: undefined,
        message: typeof v.message === 'string' ? v.message : '',
        channel: 'data',
      });
    }
  }
  return found;
}

const MUTATION_FIELDS: Record<WriteOperation, string> = {
  initiate: 'initiateDocumentVersionUpload',
  complete: 'completeDocumentVersionUpload',
  abort: 'abortDocumentVersionUpload',
};

/**
 * The error of the write itself: none when the mutation answered its payload (errors of fields
 * inside it, such as a `document` that could not be read after the activation, are not the
 * write's), else its data-channel error or the `errors` entry at its path.
 */
function writeError(out: GraphQLOutcome<unknown>, op: WriteOperation): SeenError | undefined {
  const field = MUTATION_FIELDS[op];
  const result = (out.data as Record<string, { __typename?: string } | null> | undefined)?.[field];
  if (out.transportError === undefined && result?.__typename?.endsWith('Payload') === true) {
    return undefined;
  }
  if (out.transportError !== undefined) return firstError(out);
  return (
    dataChannelErrors(out.data)[0] ??
    out.errors.find((e) => e.path?.[0] === field) ??
    out.errors[0] ?? {
      code: undefined,
      httpStatus: out.status,
      retryable: undefined,
      message: `${field} answered neither its payload nor an error`,
      channel: 'errors',
    }
  );
}

/** The first error of a response: in `errors`, else a data-channel one. */
function firstError(out: GraphQLOutcome<unknown>): SeenError | undefined {
  if (out.transportError !== undefined) {
    return {
      code: 'TRANSPORT',
      httpStatus: undefined,
      retryable: false,
      message: out.transportError,
      channel: 'errors',
    };
  }
  return out.errors[0] ?? dataChannelErrors(out.data)[0];
}
