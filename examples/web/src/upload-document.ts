/**
 * The WorkDocs upload flow through the gateway, in one framework-free module a frontend can copy
 * or import:
 *
 *   1. `initiateDocumentVersionUpload` — creates the document (or a new version of `documentId`)
 *      and returns the signed `uploadUrl` with its `signedHeaders`;
 *   2. `PUT` the bytes to `uploadUrl` with every signed header — straight to WorkDocs (its CORS
 *      allows it), never through the gateway — reporting progress;
 *   3. `completeDocumentVersionUpload` — activates the version; or, when the caller aborts (or the
 *      PUT fails), `abortDocumentVersionUpload` removes the draft.
 *
 *   const result = await uploadDocument(file, {
 *     client: createGatewayClient({ url: '/graphql', token }),
 *     folderId,
 *     onProgress: ({ loaded, total }) => bar.value = loaded / total,
 *     signal: controller.signal,
 *   });
 *   if (result.ok) show(result.document); else show(describeUploadError(result.error));
 *
 * Progress comes from `XMLHttpRequest` upload events where XHR exists (pages); elsewhere
 * (Node, Deno, service workers) the PUT uses `fetch` and reports progress once the bytes are sent.
 * It never throws for an outcome of the flow: every failure is a typed `UploadError`.
 */
import type { GatewayClient, GatewayFailure } from './client.js';
import {
  AbortUploadMutation,
  CompleteUploadMutation,
  InitiateUploadMutation,
  ListedDocumentQuery,
} from './operations.js';
import type { ListedDocumentFragment, UploadUserErrorFragment } from './gql/graphql.js';

/** The activated document, as the folder list shows it. */
export type UploadedDocument = ListedDocumentFragment;

/** An expected error of the flow (a union member of the mutation), e.g. `StorageLimitExceededError`. */
export type UploadUserError = UploadUserErrorFragment;

/**
 * The step of the flow an error happened in; `read`: the version was activated (the upload took
 * effect) but the document could not be read back.
 */
export type UploadStep = 'initiate' | 'upload' | 'complete' | 'abort' | 'read';

export type UploadError =
  /**
   * WorkDocs refused as expected (name taken, storage limit, …): a union member, as data;
   * `requestId` is the gateway's (`x-request-id`), `error.requestId` WorkDocs'.
   */
  | { kind: 'user-error'; step: UploadStep; error: UploadUserError; requestId: string | null }
  /** The gateway answered with a top-level error (token, WorkDocs unreachable, limits), or could not be reached. */
  | { kind: 'gateway'; step: UploadStep; failure: GatewayFailure }
  /** The PUT of the bytes failed: `status` is WorkDocs' HTTP status (0 = no answer). */
  | {
      kind: 'upload-failed';
      step: 'upload';
      status: number;
      /** The storage service's error code (`AccessDenied`, `EntityTooLarge`, …), when it sent one. */
      code: string | null;
      message: string;
      /** WorkDocs' request id of the PUT (`x-amzn-requestid`), when it sent one. */
      requestId: string | null;
      /** Whether the draft was removed afterwards. */
      draftRemoved: boolean;
    }
  /** The caller aborted (`signal`): `draftRemoved` tells whether the draft was removed. */
  | { kind: 'aborted'; step: UploadStep; draftRemoved: boolean; documentId: string | null };

export type UploadResult =
  | { ok: true; document: UploadedDocument }
  | { ok: false; error: UploadError; documentId: string | null };

export interface UploadProgress {
  /** Bytes sent so far. */
  loaded: number;
  /** Bytes to send (the file's size). */
  total: number;
}

export interface UploadOptions {
  /** The gateway client (endpoint and token). */
  client: GatewayClient;
  /** The folder to create the document in (for a new document). */
  folderId?: string | undefined;
  /** The document to upload a new version of (instead of `folderId`). */
  documentId?: string | undefined;
  /** Called as bytes are sent. */
  onProgress?: ((progress: UploadProgress) => void) | undefined;
  /**
   * Aborting cancels the flow: an unfinished PUT is aborted and the draft version is removed with
   * `abortDocumentVersionUpload`. After activation has been asked for, it is too late to cancel.
   */
  signal?: AbortSignal | undefined;
  /**
   * Called once the document and its draft version exist, before the bytes are sent; a returned
   * promise is awaited (e.g. to record the ids, to clean up after a crash).
   */
  onInitiated?:
    ((ids: { documentId: string; versionId: string }) => void | Promise<void>) | undefined;
}

/** The content type sent for a file the browser has no type for. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

interface PutOutcome {
  ok: boolean;
  aborted: boolean;
  status: number;
  body: string;
  requestId: string | null;
}

/** Read through a call, so that TypeScript does not keep a narrowing across `await`s. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** The S3-style `<Code>` and `<Message>` of an error answer. */
function parseStorageError(body: string): { code: string | null; message: string | null } {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? null;
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? null;
  return { code, message };
}

function putWithXhr(
  url: string,
  headers: readonly { name: string; value: string }[],
  file: Blob,
  onProgress: ((p: UploadProgress) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<PutOutcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const h of headers) xhr.setRequestHeader(h.name, h.value);
    const total = file.size;
    xhr.upload.onprogress = (e) => {
      onProgress?.({ loaded: e.loaded, total });
    };
    const onAbort = (): void => {
      xhr.abort();
    };
    const done = (aborted: boolean): void => {
      signal?.removeEventListener('abort', onAbort);
      resolve({
        ok: !aborted && xhr.status >= 200 && xhr.status < 300,
        aborted,
        status: xhr.status,
        body: aborted ? '' : xhr.responseText,
        requestId: aborted ? null : xhr.getResponseHeader('x-amzn-requestid'),
      });
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) onProgress?.({ loaded: total, total });
      done(false);
    };
    xhr.onerror = () => {
      done(false);
    };
    xhr.onabort = () => {
      done(true);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    onProgress?.({ loaded: 0, total });
    xhr.send(file);
  });
}

async function putWithFetch(
  url: string,
  headers: readonly { name: string; value: string }[],
  file: Blob,
  onProgress: ((p: UploadProgress) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<PutOutcome> {
  const total = file.size;
  onProgress?.({ loaded: 0, total });
  try {
    const res = await fetch(url, {
      method: 'PUT',
      headers: headers.map((h) => [h.name, h.value] as [string, string]),
      body: file,
      signal: signal ?? null,
    });
    const body = await res.text();
    if (res.ok) onProgress?.({ loaded: total, total });
    return {
      ok: res.ok,
      aborted: false,
      status: res.status,
      body,
      requestId: res.headers.get('x-amzn-requestid'),
    };
  } catch (err) {
    const aborted = isAborted(signal);
    return {
      ok: false,
      aborted,
      status: 0,
      body: aborted ? '' : err instanceof Error ? err.message : String(err),
      requestId: null,
    };
  }
}

/**
 * Uploads `file` as a new document in `folderId` (or a new version of `documentId`) and activates
 * it. Resolves to the activated document or a typed error; never rejects for an outcome of the flow.
 */
export async function uploadDocument(file: File, options: UploadOptions): Promise<UploadResult> {
  const { client, signal, onProgress } = options;
  const contentType = file.type === '' ? DEFAULT_CONTENT_TYPE : file.type;

  if (isAborted(signal)) {
    return {
      ok: false,
      error: { kind: 'aborted', step: 'initiate', draftRemoved: true, documentId: null },
      documentId: null,
    };
  }

  // 1. Initiate. Not given the signal: once sent, the draft may exist, and it must be cleaned up.
  const initiated = await client.request(InitiateUploadMutation, {
    input: {
      ...(options.documentId === undefined
        ? { parentFolderId: options.folderId ?? null }
        : { id: options.documentId }),
      name: file.name,
      contentType,
      documentSizeInBytes: file.size,
      ...(file.lastModified > 0
        ? { contentModifiedTimestamp: new Date(file.lastModified).toISOString() }
        : {}),
    },
  });
  if (!initiated.ok) {
    return {
      ok: false,
      error: { kind: 'gateway', step: 'initiate', failure: initiated.failure },
      documentId: options.documentId ?? null,
    };
  }
  const result = initiated.data.initiateDocumentVersionUpload;
  if (result.__typename !== 'InitiateDocumentVersionUploadPayload') {
    return {
      ok: false,
      error: {
        kind: 'user-error',
        step: 'initiate',
        error: result,
        requestId: initiated.requestId,
      },
      documentId: options.documentId ?? null,
    };
  }
  const documentId = result.metadata.id;
  const versionId = result.metadata.latestVersionMetadata?.id;
  if (versionId === undefined) {
    // The gateway always returns the new version; a missing one is a broken answer.
    return {
      ok: false,
      error: {
        kind: 'gateway',
        step: 'initiate',
        failure: {
          kind: 'other',
          code: null,
          message: 'initiateDocumentVersionUpload returned no version',
          httpStatus: null,
          requestId: null,
          workdocsRequestId: null,
          retryable: false,
        },
      },
      documentId,
    };
  }
  await options.onInitiated?.({ documentId, versionId });

  /** Removes the draft; true when it is gone. */
  const removeDraft = async (): Promise<boolean> => {
    const aborted = await client.request(AbortUploadMutation, { documentId, versionId });
    return (
      aborted.ok &&
      (aborted.data.abortDocumentVersionUpload.__typename === 'AbortDocumentVersionUploadPayload' ||
        aborted.data.abortDocumentVersionUpload.__typename === 'EntityNotExistsError')
    );
  };

  if (isAborted(signal)) {
    const draftRemoved = await removeDraft();
    return {
      ok: false,
      error: { kind: 'aborted', step: 'upload', draftRemoved, documentId },
      documentId,
    };
  }

  // 2. PUT the bytes to the signed URL with every signed header.
  const { uploadUrl, signedHeaders } = result.uploadMetadata;
  const put = typeof XMLHttpRequest === 'function' ? putWithXhr : putWithFetch;
  const sent = await put(uploadUrl, signedHeaders, file, onProgress, signal);
  if (sent.aborted || isAborted(signal)) {
    const draftRemoved = await removeDraft();
    return {
      ok: false,
      error: { kind: 'aborted', step: 'upload', draftRemoved, documentId },
      documentId,
    };
  }
  if (!sent.ok) {
    const parsed = parseStorageError(sent.body);
    const draftRemoved = await removeDraft();
    return {
      ok: false,
      error: {
        kind: 'upload-failed',
        step: 'upload',
        status: sent.status,
        code: parsed.code,
        message:
          parsed.message ??
          (sent.status === 0 ? 'WorkDocs could not be reached' : `HTTP ${String(sent.status)}`),
        requestId: sent.requestId,
        draftRemoved,
      },
      documentId,
    };
  }

  // 3. Activate.
  const completed = await client.request(CompleteUploadMutation, { documentId, versionId });
  const done = completed.ok
    ? completed.data.completeDocumentVersionUpload
    : completed.data?.completeDocumentVersionUpload;
  if (done === undefined) {
    if (completed.ok) throw new Error('unreachable: a completed request without its field');
    return {
      ok: false,
      error: { kind: 'gateway', step: 'complete', failure: completed.failure },
      documentId,
    };
  }
  if (done.__typename !== 'CompleteDocumentVersionUploadPayload') {
    return {
      ok: false,
      error: {
        kind: 'user-error',
        step: 'complete',
        error: done,
        requestId: completed.ok ? completed.requestId : completed.failure.requestId,
      },
      documentId,
    };
  }
  if (done.document !== null) return { ok: true, document: done.document };

  // The version is active, but the gateway's read of the document after it failed (its own error
  // at its path). Completing again would be PROHIBITED_STATE: read the document instead.
  const read = await client.request(ListedDocumentQuery, { id: documentId });
  if (read.ok && read.data.document !== null) return { ok: true, document: read.data.document };
  const failure = !read.ok ? read.failure : completed.ok ? null : completed.failure;
  return {
    ok: false,
    error: {
      kind: 'gateway',
      step: 'read',
      failure: failure ?? {
        kind: 'other',
        code: null,
        message: 'The document was not found after its upload',
        httpStatus: null,
        requestId: null,
        workdocsRequestId: null,
        retryable: true,
      },
    },
    documentId,
  };
}
