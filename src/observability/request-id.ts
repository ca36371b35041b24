/**
 * Request ids shared by the gateway and WorkDocs Local.
 *
 * A caller may name its request with `x-request-id`. The value is kept only when it is 1 to
 * 128 characters of `A-Z a-z 0-9 . _ : + / = -` (UUIDs, ULIDs, base64 and most tracing ids fit);
 * anything else (too long, other characters, the header repeated) is ignored and a new id (a
 * random UUID) is made instead, so a log line never carries a client's arbitrary text.
 */
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';
export const MAX_REQUEST_ID_LENGTH = 128;

const REQUEST_ID = /^[A-Za-z0-9._:+/=-]{1,128}$/;

/** Whether a caller's `x-request-id` value is acceptable as it is. */
export function isValidRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID.test(value);
}

/** The caller's id when valid, else undefined (a repeated header is an array: not valid). */
export function callerRequestId(header: string | string[] | undefined): string | undefined {
  return isValidRequestId(header) ? header : undefined;
}

/** The caller's id when valid, else a new random UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return callerRequestId(header) ?? randomUUID();
}
