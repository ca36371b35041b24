/**
 * Input validation from the constraints of the WorkDocs model (lengths, patterns, ranges), run
 * BEFORE any upstream call. A broken constraint throws an `InvalidArgumentError` whose `field` is
 * the path of the offending argument (`input.name`, `documentId`, …); mutations return it as the
 * `InvalidArgumentError` member of their union, queries as a GraphQLError with code
 * INVALID_ARGUMENT (see `errors.ts`).
 *
 * Each validator takes the GraphQL value (null/undefined = not given) and returns the value to put
 * in the SDK input (undefined = omit).
 */
import type { InitiateDocumentVersionUploadCommandInput } from '@aws-sdk/client-workdocs';
import type { InitiateDocumentVersionUploadInput } from '../generated/graphql.js';
import { InvalidArgumentError } from './errors.js';

/** `ResourceIdType`, `DocumentVersionIdType`, … of the model: `[\w+-.@]+`, 1 to 128. */
const ID_PATTERN = /^[\w+-.@]+$/;
export const ID_MAX_LENGTH = 128;
/** `ResourceNameType`: `[\u0020-\u202D\u202F-\uFFFF]+`, 1 to 255 characters (code points). */
const NAME_PATTERN = /^[\u0020-\u202D\u202F-\uFFFF]+$/;
export const NAME_MAX_LENGTH = 255;
/** `DocumentContentType`: 1 to 128. */
export const CONTENT_TYPE_MAX_LENGTH = 128;
/** `AuthenticationHeaderType`: 1 to 8199. */
export const TOKEN_MAX_LENGTH = 8199;

type Maybe<T> = T | null | undefined;

/** The model's (Smithy's) length of a string: its characters (code points), not UTF-16 units. */
function characters(value: string): number {
  return value.length - (value.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
}

/** A lone UTF-16 surrogate: the string is not well-formed Unicode (cannot be sent as UTF-8). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Refuses strings that are not well-formed Unicode (an unpaired surrogate such as `"a\ud800b"`). */
export function wellFormed(field: string, value: string): void {
  if (LONE_SURROGATE.test(value)) {
    throw new InvalidArgumentError(
      field,
      'is not well-formed Unicode (it contains an unpaired surrogate, e.g. "\\ud800")',
    );
  }
}

function length(field: string, value: string, min: number, max: number): void {
  wellFormed(field, value);
  const n = characters(value);
  if (n < min || n > max) {
    throw new InvalidArgumentError(
      field,
      `must be ${String(min)} to ${String(max)} characters long (got ${String(n)})`,
    );
  }
}

/** An optional WorkDocs resource or version id. */
export function optionalId(value: Maybe<string>, field: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  length(field, value, 1, ID_MAX_LENGTH);
  if (!ID_PATTERN.test(value)) {
    throw new InvalidArgumentError(
      field,
      'may contain only letters, digits, "_", "+", ",", "-", ".", and "@"',
    );
  }
  return value;
}

/**
 * A WorkDocs user id (the model's `IdType`: `[&\w+-.@]+`, 1 to 256), without the comma that
 * pattern's range `+-.` admits: DescribeUsers takes user ids as one comma-separated list.
 */
export const USER_ID_PATTERN = /^[&\w+\-.@]{1,256}$/;

/** A required WorkDocs user id. */
export function requiredUserId(value: Maybe<string>, field: string): string {
  if (value === null || value === undefined) throw new InvalidArgumentError(field, 'is required');
  length(field, value, 1, 256);
  if (!USER_ID_PATTERN.test(value)) {
    throw new InvalidArgumentError(
      field,
      'may contain only letters, digits, "&", "_", "+", "-", ".", and "@"',
    );
  }
  return value;
}

/** A required WorkDocs resource or version id. */
export function requiredId(value: Maybe<string>, field: string): string {
  const id = optionalId(value, field);
  if (id === undefined) throw new InvalidArgumentError(field, 'is required');
  return id;
}

/** An optional resource name (document or folder name). */
export function optionalName(value: Maybe<string>, field: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  length(field, value, 1, NAME_MAX_LENGTH);
  if (!NAME_PATTERN.test(value)) {
    throw new InvalidArgumentError(
      field,
      'may not contain control characters or U+202E (right-to-left override)',
    );
  }
  return value;
}

/** An optional content (MIME) type. */
export function optionalContentType(value: Maybe<string>, field: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  length(field, value, 1, CONTENT_TYPE_MAX_LENGTH);
  return value;
}

/** An optional size in bytes: 0 to `Number.MAX_SAFE_INTEGER` (what the SDK's `number` carries exactly). */
export function optionalSize(value: Maybe<bigint | number>, field: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new InvalidArgumentError(field, 'must be a whole number of bytes');
  }
  const big = BigInt(value);
  if (big < 0n) throw new InvalidArgumentError(field, 'must be 0 or more');
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InvalidArgumentError(
      field,
      `must be at most ${String(Number.MAX_SAFE_INTEGER)} (2^53 - 1)`,
    );
  }
  return Number(big);
}

/** An optional timestamp (the DateTime scalar already parsed it; this rejects invalid dates). */
export function optionalTimestamp(value: Maybe<Date>, field: string): Date | undefined {
  if (value === null || value === undefined) return undefined;
  if (Number.isNaN(value.getTime())) throw new InvalidArgumentError(field, 'is not a valid date');
  return value;
}

/** An integer in a range, for paging arguments such as `first` (WorkDocs `Limit`). */
export function intInRange(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(
      field,
      `must be a whole number from ${String(min)} to ${String(max)} (got ${String(value)})`,
    );
  }
  return value;
}

/** Whether a bearer token fits WorkDocs' `AuthenticationHeaderType` (1 to 8199 characters). */
export function isValidTokenLength(token: string): boolean {
  return token.length >= 1 && token.length <= TOKEN_MAX_LENGTH;
}

/**
 * `initiateDocumentVersionUpload(input)` → the SDK input (without `AuthenticationToken`, which
 * `WorkDocsCaller.send` adds).
 */
export function validateInitiateInput(
  input: InitiateDocumentVersionUploadInput,
): InitiateDocumentVersionUploadCommandInput {
  return {
    Id: optionalId(input.id, 'input.id'),
    Name: optionalName(input.name, 'input.name'),
    ContentCreatedTimestamp: optionalTimestamp(
      input.contentCreatedTimestamp,
      'input.contentCreatedTimestamp',
    ),
    ContentModifiedTimestamp: optionalTimestamp(
      input.contentModifiedTimestamp,
      'input.contentModifiedTimestamp',
    ),
    ContentType: optionalContentType(input.contentType, 'input.contentType'),
    DocumentSizeInBytes: optionalSize(input.documentSizeInBytes, 'input.documentSizeInBytes'),
    ParentFolderId: optionalId(input.parentFolderId, 'input.parentFolderId'),
  };
}
