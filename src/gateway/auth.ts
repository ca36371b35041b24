/**
 * Who a request acts as: the caller's WorkDocs token from `Authorization: Bearer <token>` (see the
 * README's "Security" section for the auth modes and what each trusts).
 */
import { GraphQLError } from 'graphql';
import { isValidTokenLength } from './validation.js';

/** `Authorization: Bearer <token>` → the token; undefined when absent; throws when malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  const token = match?.[1];
  if (token === undefined || !isValidTokenLength(token)) {
    throw new GraphQLError(
      'Malformed Authorization header: send your WorkDocs token as `Authorization: Bearer <token>` (1 to 8199 characters).',
      {
        extensions: {
          code: 'UNAUTHENTICATED',
          requestId: null,
          httpStatus: 401,
          retryable: false,
          http: { status: 401 },
        },
      },
    );
  }
  return token;
}
