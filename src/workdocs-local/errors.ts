/**
 * A WorkDocs exception as WorkDocs Local puts it on the wire: the model's HTTP status, the
 * `x-amzn-errortype` header and a JSON body `{ "Message": ..., ...members }`.
 */
export class WorkDocsError extends Error {
  override readonly name = 'WorkDocsError';
  constructor(
    /** The exception shape name, e.g. `EntityNotExistsException`. */
    readonly code: string,
    message: string,
    /** Extra members of the exception shape, e.g. `{ EntityIds: [...] }`. */
    readonly members: Record<string, unknown> = {},
    /** Overrides the model's status (chaos rules, errors outside the model). */
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

export function entityNotExists(...ids: string[]): WorkDocsError {
  return new WorkDocsError(
    'EntityNotExistsException',
    `The resource does not exist: ${ids.join(', ')}`,
    { EntityIds: ids },
  );
}

export function prohibited(message: string): WorkDocsError {
  return new WorkDocsError('ProhibitedStateException', message);
}

export function unauthorizedOperation(message: string): WorkDocsError {
  return new WorkDocsError('UnauthorizedOperationException', message);
}

export function invalidArgument(message: string): WorkDocsError {
  return new WorkDocsError('InvalidArgumentException', message);
}
