/**
 * How an error leaves the gateway: Apollo's `formatError` hook. It completes the extensions of the
 * gateway's codes from the table in `errors.ts` (`requestId`, `httpStatus`, `retryable`), turns
 * Apollo's uncoded 4xx refusals into BAD_REQUEST, logs internal errors, and in production hides
 * stack traces and the text of internal and unrecognised upstream failures.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import type { ErrorCode } from '../generated/graphql.js';
import { ERROR_ROWS_BY_CODE, GatewayError, isWorkDocsExceptionName } from './errors.js';

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && ERROR_ROWS_BY_CODE.has(code as ErrorCode);
}

/** Apollo `formatError`: complete the extensions of our codes; hide internals in production. */
export function makeFormatError(production: boolean, log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    let original: unknown = unwrapResolverError(error);
    while (original instanceof GraphQLError && original.originalError !== undefined) {
      original = original.originalError;
    }
    const extensions: Record<string, unknown> = { ...formatted.extensions };
    const code = extensions.code;
    let message = formatted.message;
    // Apollo Server's own refusals of a malformed request (e.g. a persisted-query hash that does
    // not match its query) carry a 4xx status but no code, so Apollo labels them
    // INTERNAL_SERVER_ERROR: they are the client's BAD_REQUEST, like Apollo's coded refusals.
    const status = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions
      ?.http?.status;
    if (
      code === 'INTERNAL_SERVER_ERROR' &&
      !(original instanceof GatewayError) &&
      typeof status === 'number' &&
      status >= 400 &&
      status < 500
    ) {
      const { stacktrace } = extensions;
      return {
        ...formatted,
        extensions: {
          code: 'BAD_REQUEST',
          ...(production || stacktrace === undefined ? {} : { stacktrace }),
        },
      };
    }
    if (isErrorCode(code)) {
      const row = ERROR_ROWS_BY_CODE.get(code);
      extensions.requestId ??= null;
      extensions.httpStatus ??= row?.httpStatus ?? 500;
      extensions.retryable ??= row?.retryable ?? false;
    }
    if (code === 'INTERNAL_SERVER_ERROR') {
      log.error(
        { err: original instanceof GatewayError ? original.cause : original },
        'internal error',
      );
      if (production) message = 'Internal server error';
    } else if (
      production &&
      original instanceof GatewayError &&
      original.exceptionName !== undefined &&
      !isWorkDocsExceptionName(original.exceptionName)
    ) {
      // An upstream failure outside the model (a proxy's 5xx, throttling): its text stays in logs.
      message =
        original.code === 'THROTTLED'
          ? 'WorkDocs throttled the request; retry later, more slowly'
          : original.retryable
            ? 'WorkDocs is unavailable; retry later'
            : 'WorkDocs is unavailable, and whether the change took effect is unknown: read the document or folder to find out before sending it again';
    }
    if (production) delete extensions.stacktrace;
    return { ...formatted, message, extensions };
  };
}
