/**
 * The human messages and the classification of top-level errors: every union error the upload
 * mutations can return has its own message, and each kind of gateway failure (token, WorkDocs
 * unreachable, too large, …) is told apart, with the request id.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyFailure, failureFromErrors, type GatewayFailure } from '../src/client.js';
import { formatSize } from '../src/format.js';
import { describeFailure, describeUploadError, describeUserError } from '../src/messages.js';
import type { UploadUserError } from '../src/upload-document.js';

/** The members of the three upload unions in schema/upload.graphql, minus the payloads. */
function unionErrorMembers(): string[] {
  const sdl = readFileSync(new URL('../../../schema/upload.graphql', import.meta.url), 'utf8');
  const members = new Set<string>();
  for (const m of sdl.matchAll(/union \w+Result =([^"]*?)\n\n/g)) {
    for (const name of m[1]!.split('|').map((s) => s.trim())) {
      if (name !== '' && !name.endsWith('Payload')) members.add(name);
    }
  }
  return [...members].sort();
}

const TITLES: Record<string, string> = {
  EntityAlreadyExistsError: '“a.txt” already exists in this folder.',
  StorageLimitExceededError: 'Your storage is full.',
  StorageLimitWillExceedError: '“a.txt” does not fit in your remaining storage.',
  LimitExceededError: 'This folder cannot take more items.',
  EntityNotExistsError: 'The folder or document no longer exists.',
  ProhibitedStateError: 'The document cannot be changed in its current state.',
  DraftUploadOutOfSyncError: 'Another upload of this document is in progress.',
  ResourceAlreadyCheckedOutError: 'The document is checked out by someone else.',
  ConcurrentModificationError: 'The document was changed at the same moment.',
  InvalidOperationError: 'WorkDocs does not allow this operation here.',
  InvalidArgumentError: '“a.txt” cannot be uploaded as it is.',
};

function failure(over: Partial<GatewayFailure>): GatewayFailure {
  return {
    kind: 'other',
    code: null,
    message: 'm',
    httpStatus: 200,
    requestId: null,
    workdocsRequestId: null,
    retryable: false,
    ...over,
  };
}

describe('union errors', () => {
  it('every error member of the upload unions has its own message', () => {
    const members = unionErrorMembers();
    expect(members).toEqual(Object.keys(TITLES).sort());
    for (const typename of members) {
      const error = {
        __typename: typename,
        code: 'X',
        message: 'WorkDocs says why',
        requestId: 'wd-1',
        entityIds: [],
        field: null,
      } as unknown as UploadUserError;
      const message = describeUserError(error, 'a.txt');
      expect(message.title, typename).toBe(TITLES[typename]);
      expect(message.requestId).toBe('wd-1');
      expect(message.signInAgain).toBe(false);
    }
  });

  it('InvalidArgumentError names the field', () => {
    const message = describeUserError({
      __typename: 'InvalidArgumentError',
      code: 'INVALID_ARGUMENT',
      message: 'name is too long',
      requestId: null,
      field: 'input.name',
    });
    expect(message.detail).toBe('name is too long (input.name)');
    expect(message.title).toBe('The file cannot be uploaded as it is.');
  });
});

describe('top-level errors', () => {
  it.each([
    ['UNAUTHENTICATED', 401, 'sign-in'],
    ['INVALID_PASSWORD', 200, 'sign-in'],
    [null, 401, 'sign-in'],
    ['UNAUTHORIZED_OPERATION', 200, 'forbidden'],
    ['UNAUTHORIZED_RESOURCE_ACCESS', 200, 'forbidden'],
    ['UPSTREAM_UNREACHABLE', 200, 'unreachable'],
    ['UPSTREAM_TIMEOUT', 200, 'unreachable'],
    ['SERVICE_UNAVAILABLE', 200, 'unreachable'],
    ['FAILED_DEPENDENCY', 200, 'unreachable'],
    [null, 503, 'unreachable'],
    [null, 429, 'throttled'],
    ['REQUESTED_ENTITY_TOO_LARGE', 200, 'too-large'],
    ['BAD_REQUEST', 413, 'too-large'],
    ['BAD_REQUEST', 400, 'bad-request'],
    ['BAD_USER_INPUT', 400, 'bad-request'],
    ['GRAPHQL_VALIDATION_FAILED', 400, 'bad-request'],
    ['INTERNAL_SERVER_ERROR', 500, 'other'],
  ] as const)('%s (HTTP %s) is %s', (code, status, kind) => {
    expect(classifyFailure(code, status)).toBe(kind);
  });

  it('the status in the extensions wins over the 200 of a GraphQL answer', () => {
    const f = failureFromErrors(
      [{ message: 'too big', extensions: { code: 'X_UNKNOWN', httpStatus: 413, requestId: 'wd' } }],
      200,
      'gw',
    );
    expect(f).toEqual({
      kind: 'too-large',
      code: 'X_UNKNOWN',
      message: 'too big',
      httpStatus: 200,
      requestId: 'gw',
      workdocsRequestId: 'wd',
      retryable: false,
    });
  });

  it('each kind has its own message; the gateway request id is preferred, else WorkDocs’', () => {
    const titles = new Set<string>();
    for (const kind of [
      'sign-in',
      'forbidden',
      'unreachable',
      'gateway-unreachable',
      'throttled',
      'too-large',
      'bad-request',
      'aborted',
      'other',
    ] as const) {
      titles.add(describeFailure(failure({ kind })).title);
    }
    expect(titles.size).toBe(9);
    const signIn = describeFailure(failure({ kind: 'sign-in', workdocsRequestId: 'wd' }));
    expect(signIn).toEqual({
      title: 'Your sign-in has expired or the token is not valid.',
      detail: 'Sign in again with a valid WorkDocs token.',
      requestId: 'wd',
      signInAgain: true,
    });
    expect(
      describeFailure(failure({ kind: 'unreachable', requestId: 'gw', workdocsRequestId: 'wd' })),
    ).toMatchObject({ title: 'WorkDocs cannot be reached right now.', requestId: 'gw' });
  });

  it('a union error quotes the gateway request id when there is one, else WorkDocs’', () => {
    const error = {
      __typename: 'StorageLimitExceededError',
      code: 'STORAGE_LIMIT_EXCEEDED',
      message: 'full',
      requestId: 'wd-1',
    } as const;
    expect(
      describeUploadError({ kind: 'user-error', step: 'initiate', error, requestId: 'gw-1' })
        .requestId,
    ).toBe('gw-1');
    expect(
      describeUploadError({ kind: 'user-error', step: 'initiate', error, requestId: null })
        .requestId,
    ).toBe('wd-1');
  });

  it('the gateway request id comes from the header, else from extensions.gatewayRequestId', () => {
    const errors = [
      { message: 'x', extensions: { code: 'UPSTREAM_TIMEOUT', gatewayRequestId: 'ext' } },
    ];
    expect(failureFromErrors(errors, 200, 'header').requestId).toBe('header');
    expect(failureFromErrors(errors, 200, null).requestId).toBe('ext');
  });

  it('an upload activated but not read back says it was uploaded', () => {
    expect(
      describeUploadError({
        kind: 'gateway',
        step: 'read',
        failure: failure({ kind: 'unreachable', requestId: 'gw' }),
      }),
    ).toEqual({
      title: 'The file was uploaded, but it cannot be shown right now.',
      detail: 'Reload the list in a moment.',
      requestId: 'gw',
      signInAgain: false,
    });
  });

  it('a refused PUT and a cancel read as such', () => {
    expect(
      describeUploadError({
        kind: 'upload-failed',
        step: 'upload',
        status: 403,
        code: 'AccessDenied',
        message: 'Request has expired',
        requestId: 'wd-put',
        draftRemoved: true,
      }),
    ).toEqual({
      title: 'WorkDocs refused the file.',
      detail: 'Request has expired (AccessDenied)',
      requestId: 'wd-put',
      signInAgain: false,
    });
    expect(
      describeUploadError({ kind: 'aborted', step: 'upload', draftRemoved: true, documentId: 'd' }),
    ).toMatchObject({ title: 'Upload cancelled.', detail: 'Nothing was kept.' });
  });
});

describe('formatSize', () => {
  it.each([
    [null, '—'],
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [5 * 1024 * 1024, '5.0 MiB'],
    ['5368709120', '5.0 GiB'],
  ] as const)('%s → %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});
