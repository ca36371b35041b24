/**
 * Human messages for everything the upload flow and the gateway can answer: one per union error
 * (`EntityAlreadyExistsError`, `StorageLimitExceededError`, …) and per kind of top-level failure
 * (token, WorkDocs unreachable, too large, …), each with the request id to quote to support.
 */
import type { GatewayFailure } from './client.js';
import type { UploadError, UploadUserError } from './upload-document.js';

export interface HumanMessage {
  /** One sentence: what happened, in the person's terms. */
  title: string;
  /** What to do about it, or more detail. */
  detail: string;
  /** The request id to quote (the gateway's when it sent one, else WorkDocs'); null if none. */
  requestId: string | null;
  /** Whether the only way forward is a new token. */
  signInAgain: boolean;
}

/** The message for an expected (union) error of `initiate`/`complete`/`abort`. */
export function describeUserError(error: UploadUserError, fileName?: string): HumanMessage {
  const name = fileName === undefined ? 'The file' : `“${fileName}”`;
  const base = { requestId: error.requestId ?? null, signInAgain: false };
  switch (error.__typename) {
    case 'EntityAlreadyExistsError':
      return {
        ...base,
        title: `${name} already exists in this folder.`,
        detail: 'Rename the file, or upload it as a new version of the existing document.',
      };
    case 'StorageLimitExceededError':
      return {
        ...base,
        title: 'Your storage is full.',
        detail: 'Delete documents or ask your administrator for more storage, then try again.',
      };
    case 'StorageLimitWillExceedError':
      return {
        ...base,
        title: `${name} does not fit in your remaining storage.`,
        detail: 'Delete documents or ask your administrator for more storage, then try again.',
      };
    case 'LimitExceededError':
      return {
        ...base,
        title: 'This folder cannot take more items.',
        detail: 'Upload into another folder.',
      };
    case 'EntityNotExistsError':
      return {
        ...base,
        title: 'The folder or document no longer exists.',
        detail: 'Someone may have deleted or moved it. Reload the list.',
      };
    case 'ProhibitedStateError':
      return {
        ...base,
        title: 'The document cannot be changed in its current state.',
        detail: error.message,
      };
    case 'DraftUploadOutOfSyncError':
      return {
        ...base,
        title: 'Another upload of this document is in progress.',
        detail: 'Wait for it to finish, then try again.',
      };
    case 'ResourceAlreadyCheckedOutError':
      return {
        ...base,
        title: 'The document is checked out by someone else.',
        detail: 'Try again once it is checked in.',
      };
    case 'ConcurrentModificationError':
      return {
        ...base,
        title: 'The document was changed at the same moment.',
        detail: 'Try again.',
      };
    case 'InvalidOperationError':
      return {
        ...base,
        title: 'WorkDocs does not allow this operation here.',
        detail: error.message,
      };
    case 'InvalidArgumentError':
      return {
        ...base,
        title: `${name} cannot be uploaded as it is.`,
        detail: error.field === null ? error.message : `${error.message} (${error.field})`,
      };
  }
}

/** The message for a top-level error of the gateway, or a failure to reach it. */
export function describeFailure(failure: GatewayFailure): HumanMessage {
  const requestId = failure.requestId ?? failure.workdocsRequestId;
  const base = { requestId, signInAgain: false };
  switch (failure.kind) {
    case 'sign-in':
      return {
        ...base,
        signInAgain: true,
        title: 'Your sign-in has expired or the token is not valid.',
        detail: 'Sign in again with a valid WorkDocs token.',
      };
    case 'forbidden':
      return {
        ...base,
        title: 'You do not have access to this folder or document.',
        detail: 'Ask its owner to share it with you.',
      };
    case 'unreachable':
      return {
        ...base,
        title: 'WorkDocs cannot be reached right now.',
        detail: 'Nothing was changed that you cannot see. Try again in a moment.',
      };
    case 'gateway-unreachable':
      return {
        ...base,
        title: 'The server cannot be reached.',
        detail: 'Check your connection and try again.',
      };
    case 'throttled':
      return {
        ...base,
        title: 'Too many requests right now.',
        detail: 'Wait a moment and try again.',
      };
    case 'too-large':
      return {
        ...base,
        title: 'The request was refused as too large.',
        detail: 'Ask for less at a time (fewer or smaller items).',
      };
    case 'bad-request':
      return { ...base, title: 'The request was refused.', detail: failure.message };
    case 'aborted':
      return { ...base, title: 'Cancelled.', detail: '' };
    case 'other':
      return {
        ...base,
        title: 'Something went wrong on the server.',
        detail: failure.retryable ? 'Try again.' : failure.message,
      };
  }
}

/** The message for any failed upload. */
export function describeUploadError(error: UploadError, fileName?: string): HumanMessage {
  switch (error.kind) {
    case 'user-error': {
      const message = describeUserError(error.error, fileName);
      return { ...message, requestId: error.requestId ?? message.requestId };
    }
    case 'gateway': {
      const message = describeFailure(error.failure);
      return error.step === 'read'
        ? {
            ...message,
            title: 'The file was uploaded, but it cannot be shown right now.',
            detail: 'Reload the list in a moment.',
          }
        : message;
    }
    case 'aborted':
      return {
        title: 'Upload cancelled.',
        detail: error.draftRemoved
          ? 'Nothing was kept.'
          : 'The unfinished draft could not be removed; it will expire.',
        requestId: null,
        signInAgain: false,
      };
    case 'upload-failed':
      return {
        title:
          error.status === 0
            ? 'The file could not be sent: WorkDocs cannot be reached.'
            : 'WorkDocs refused the file.',
        detail: error.code === null ? error.message : `${error.message} (${error.code})`,
        requestId: error.requestId,
        signInAgain: false,
      };
  }
}
