/**
 * THE error table of the gateway, and the two helpers every resolver uses to turn a failure into
 * its GraphQL form.
 *
 * Every WorkDocs exception of the model (all 25 shapes whose name ends in `Exception`) has one row:
 * its `ErrorCode`, its channel and the HTTP status WorkDocs answers it with.
 * - channel `data`: an expected, user-recoverable outcome. A mutation whose result union has the
 *   matching member (`EntityNotExistsException` → `EntityNotExistsError`) returns it as data
 *   (`toUserErrorResult`). Where the union lacks that member (or in a query) it is a GraphQLError.
 * - channel `error`: always a GraphQLError (`toGraphQLError`) whose `extensions` carry `code`,
 *   `requestId` (WorkDocs' `x-amzn-requestid`), `httpStatus` (the status WorkDocs used, or the
 *   gateway's own for its codes), `retryable` (whether sending the same request again is safe and
 *   may succeed) and, when WorkDocs answered with an exception, its name (`exception`).
 *
 * The HTTP status of the GraphQL response itself stays 200 (so routers keep partial data);
 * `extensions.httpStatus` reports the status.
 *
 * Every failure that leaves `WorkDocsCaller.send` or `validation.ts` is a `GatewayError`.
 */
import { GraphQLError } from 'graphql';
import type * as G from '../generated/graphql.js';
import type { ErrorCode } from '../generated/graphql.js';

export type ErrorChannel = 'data' | 'error';

export interface ErrorRow {
  code: ErrorCode;
  channel: ErrorChannel;
  /** For WorkDocs exceptions: the status WorkDocs uses; for gateway codes: the gateway's own. */
  httpStatus: number;
  /** Whether sending the same request again later can succeed. */
  retryable: boolean;
}

const row = (
  code: ErrorCode,
  channel: ErrorChannel,
  httpStatus: number,
  retryable = false,
): ErrorRow => ({ code, channel, httpStatus, retryable });

/** Every exception of the WorkDocs model → its GraphQL form. */
export const WORKDOCS_EXCEPTIONS = {
  EntityNotExistsException: row('ENTITY_NOT_EXISTS', 'data', 404),
  EntityAlreadyExistsException: row('ENTITY_ALREADY_EXISTS', 'data', 409),
  StorageLimitExceededException: row('STORAGE_LIMIT_EXCEEDED', 'data', 409),
  StorageLimitWillExceedException: row('STORAGE_LIMIT_WILL_EXCEED', 'data', 413),
  LimitExceededException: row('LIMIT_EXCEEDED', 'data', 409),
  ProhibitedStateException: row('PROHIBITED_STATE', 'data', 409),
  DraftUploadOutOfSyncException: row('DRAFT_UPLOAD_OUT_OF_SYNC', 'data', 409),
  ResourceAlreadyCheckedOutException: row('RESOURCE_ALREADY_CHECKED_OUT', 'data', 409),
  InvalidArgumentException: row('INVALID_ARGUMENT', 'data', 400),
  ConcurrentModificationException: row('CONCURRENT_MODIFICATION', 'data', 409, true),
  InvalidOperationException: row('INVALID_OPERATION', 'data', 405),
  UnauthorizedOperationException: row('UNAUTHORIZED_OPERATION', 'error', 403),
  UnauthorizedResourceAccessException: row('UNAUTHORIZED_RESOURCE_ACCESS', 'error', 404),
  InvalidPasswordException: row('INVALID_PASSWORD', 'error', 401),
  FailedDependencyException: row('FAILED_DEPENDENCY', 'error', 424, true),
  ServiceUnavailableException: row('SERVICE_UNAVAILABLE', 'error', 503, true),
  ConflictingOperationException: row('CONFLICTING_OPERATION', 'error', 409, true),
  RequestedEntityTooLargeException: row('REQUESTED_ENTITY_TOO_LARGE', 'error', 413),
  CustomMetadataLimitExceededException: row('CUSTOM_METADATA_LIMIT_EXCEEDED', 'error', 429),
  DeactivatingLastSystemUserException: row('DEACTIVATING_LAST_SYSTEM_USER', 'error', 409),
  DocumentLockedForCommentsException: row('DOCUMENT_LOCKED_FOR_COMMENTS', 'error', 409),
  IllegalUserStateException: row('ILLEGAL_USER_STATE', 'error', 409),
  InvalidCommentOperationException: row('INVALID_COMMENT_OPERATION', 'error', 409),
  TooManyLabelsException: row('TOO_MANY_LABELS', 'error', 429),
  TooManySubscriptionsException: row('TOO_MANY_SUBSCRIPTIONS', 'error', 429),
} as const satisfies Record<string, ErrorRow>;

export type WorkDocsExceptionName = keyof typeof WORKDOCS_EXCEPTIONS;

/** The gateway's own codes (never raised by WorkDocs). */
export const GATEWAY_CODES = {
  UNAUTHENTICATED: row('UNAUTHENTICATED', 'error', 401),
  BAD_USER_INPUT: row('BAD_USER_INPUT', 'error', 400),
  UPSTREAM_TIMEOUT: row('UPSTREAM_TIMEOUT', 'error', 504, true),
  UPSTREAM_UNREACHABLE: row('UPSTREAM_UNREACHABLE', 'error', 502, true),
  THROTTLED: row('THROTTLED', 'error', 429, true),
  REQUEST_BUDGET_EXCEEDED: row('REQUEST_BUDGET_EXCEEDED', 'error', 400),
  REQUEST_TIMEOUT: row('REQUEST_TIMEOUT', 'error', 504, true),
  REQUEST_CANCELLED: row('REQUEST_CANCELLED', 'error', 499),
  INTERNAL_SERVER_ERROR: row('INTERNAL_SERVER_ERROR', 'error', 500),
} as const satisfies Record<string, ErrorRow>;

export type GatewayCode = keyof typeof GATEWAY_CODES;

/** Every row, by code (WorkDocs exceptions and gateway codes). */
export const ERROR_ROWS_BY_CODE: ReadonlyMap<ErrorCode, ErrorRow> = new Map(
  [...Object.values(WORKDOCS_EXCEPTIONS), ...Object.values(GATEWAY_CODES)].map((r) => [r.code, r]),
);

export function isWorkDocsExceptionName(name: string): name is WorkDocsExceptionName {
  return Object.hasOwn(WORKDOCS_EXCEPTIONS, name);
}

/** The row of a code; every `ErrorCode` has one. */
export function errorRow(code: ErrorCode): ErrorRow {
  return ERROR_ROWS_BY_CODE.get(code) ?? GATEWAY_CODES.INTERNAL_SERVER_ERROR;
}

/** `EntityNotExistsException` → `EntityNotExistsError`: the GraphQL type of a data-channel row. */
export function typenameOfCode(code: ErrorCode): string {
  const exception = Object.entries(WORKDOCS_EXCEPTIONS).find(([, r]) => r.code === code)?.[0];
  return exception === undefined ? code : `${exception.replace(/Exception$/, '')}Error`;
}

export interface GatewayErrorOptions {
  message: string;
  code: ErrorCode;
  /** WorkDocs' request id, when WorkDocs answered. */
  requestId?: string | undefined;
  /** Defaults to the table's status for `code`. */
  httpStatus?: number | undefined;
  /** Defaults to the table's `retryable` for `code`. */
  retryable?: boolean | undefined;
  /** `EntityNotExistsException.EntityIds`. */
  entityIds?: readonly string[] | undefined;
  /** The WorkDocs exception name, when WorkDocs raised it. */
  exceptionName?: string | undefined;
  /** For INVALID_ARGUMENT raised by the gateway's validation: the offending argument path. */
  field?: string | undefined;
  cause?: unknown;
}

/**
 * The ONE normalized failure: everything `WorkDocsCaller.send` throws, and every validation error.
 */
export class GatewayError extends Error {
  override readonly name: string = 'GatewayError';
  readonly code: ErrorCode;
  readonly requestId: string | undefined;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly entityIds: readonly string[];
  readonly exceptionName: string | undefined;
  readonly field: string | undefined;

  constructor(options: GatewayErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    const r = errorRow(options.code);
    this.code = options.code;
    this.requestId = options.requestId;
    this.httpStatus = options.httpStatus ?? r.httpStatus;
    this.retryable = options.retryable ?? r.retryable;
    this.entityIds = options.entityIds ?? [];
    this.exceptionName = options.exceptionName;
    this.field = options.field;
  }
}

/** A failed input constraint, detected by the gateway before any upstream call. */
export class InvalidArgumentError extends GatewayError {
  override readonly name = 'InvalidArgumentError';
  declare readonly field: string;

  constructor(field: string, message: string) {
    super({ message: `${field}: ${message}`, code: 'INVALID_ARGUMENT', field });
  }
}

/** The `extensions` of every GraphQLError the gateway produces. */
export interface GatewayErrorExtensions {
  code: ErrorCode;
  requestId: string | null;
  httpStatus: number;
  retryable: boolean;
  [key: string]: unknown;
}

/**
 * Any failure → a GraphQLError with `extensions: { code, requestId, httpStatus, retryable }`
 * (plus `entityIds` / `field` when known). Unknown errors become INTERNAL_SERVER_ERROR; the
 * server's `formatError` hides their message and every stack trace in production.
 */
export function toGraphQLError(err: unknown): GraphQLError {
  if (err instanceof GraphQLError) return err;
  const e = err instanceof GatewayError ? err : internalError(err);
  const extensions: GatewayErrorExtensions = {
    code: e.code,
    requestId: e.requestId ?? null,
    httpStatus: e.httpStatus,
    retryable: e.retryable,
  };
  if (e.entityIds.length > 0) extensions.entityIds = [...e.entityIds];
  if (e.field !== undefined) extensions.field = e.field;
  if (e.exceptionName !== undefined) extensions.exception = e.exceptionName;
  return new GraphQLError(e.message, { originalError: e, extensions });
}

function internalError(err: unknown): GatewayError {
  return new GatewayError({
    code: 'INTERNAL_SERVER_ERROR',
    message: err instanceof Error ? err.message : 'Internal server error',
    cause: err,
  });
}

/** The GraphQL types of the data channel, by name. */
export interface UserErrorTypes {
  EntityNotExistsError: G.EntityNotExistsError;
  EntityAlreadyExistsError: G.EntityAlreadyExistsError;
  StorageLimitExceededError: G.StorageLimitExceededError;
  StorageLimitWillExceedError: G.StorageLimitWillExceedError;
  LimitExceededError: G.LimitExceededError;
  ProhibitedStateError: G.ProhibitedStateError;
  DraftUploadOutOfSyncError: G.DraftUploadOutOfSyncError;
  ResourceAlreadyCheckedOutError: G.ResourceAlreadyCheckedOutError;
  InvalidArgumentError: G.InvalidArgumentError;
  ConcurrentModificationError: G.ConcurrentModificationError;
  InvalidOperationError: G.InvalidOperationError;
}

export type UserErrorTypename = keyof UserErrorTypes;

/** A union member object, `__typename` included (what `__resolveType` reads). */
export type UserErrorResult<T extends UserErrorTypename = UserErrorTypename> = UserErrorTypes[T] & {
  __typename: T;
};

/**
 * A failure → the union member of `allowedTypenames` that represents it (with `__typename`), for
 * the data channel; throws the GraphQLError (`toGraphQLError`) when the failure is not a
 * data-channel row or its type is not a member of this union.
 */
export function toUserErrorResult<T extends UserErrorTypename>(
  err: unknown,
  allowedTypenames: readonly T[],
): UserErrorResult<T> {
  if (err instanceof GatewayError) {
    const r = errorRow(err.code);
    const typename = typenameOfCode(err.code);
    const allowed = allowedTypenames.find((t) => t === typename);
    if (r.channel === 'data' && allowed !== undefined) {
      const result = {
        __typename: allowed,
        message: err.message,
        code: err.code,
        requestId: err.requestId ?? null,
        entityIds: [...err.entityIds],
        field: err.field ?? null,
      };
      // Every member has message/code/requestId; entityIds and field exist on the members that
      // declare them (other members ignore them).
      return result as UserErrorResult<T>;
    }
  }
  throw toGraphQLError(err);
}
