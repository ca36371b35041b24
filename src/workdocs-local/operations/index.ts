/**
 * The implemented WorkDocs operations: the table from operation name to handler. Each handler takes
 * the validated input (member names as in the model) and returns the output structure (serialized
 * by `toWire`); see access.ts for the access rules.
 */
import { WorkDocsError } from '../errors.js';
import type { Input } from '../model.js';
import { ConstraintError } from '../storage/database.js';
import type { Storage } from '../storage/database.js';
import type { PendingBlobs } from '../storage/pending.js';
import { authenticate } from './access.js';
import type { Handler, OpContext } from './context.js';
import {
  abortDocumentVersionUpload,
  deleteDocument,
  describeDocumentVersions,
  getDocument,
  getDocumentPath,
  getDocumentVersion,
  initiateDocumentVersionUpload,
  updateDocument,
  updateDocumentVersion,
  deleteDocumentVersion,
  restoreDocumentVersions,
} from './documents.js';
import {
  createFolder,
  deleteFolder,
  deleteFolderContents,
  describeFolderContents,
  describeRootFolders,
  getFolder,
  getFolderPath,
  updateFolder,
} from './folders.js';
import {
  addResourcePermissions,
  describeResourcePermissions,
  getResources,
  removeAllResourcePermissions,
  removeResourcePermission,
} from './sharing.js';
import {
  activateUser,
  createUser,
  deactivateUser,
  describeUsers,
  getCurrentUser,
  updateUser,
} from './users.js';
import {
  createCustomMetadata,
  createLabels,
  deleteCustomMetadata,
  deleteLabels,
} from './labels.js';

export const handlers: Record<string, Handler> = {
  UpdateUser: updateUser,
  ActivateUser: activateUser,
  DeactivateUser: deactivateUser,
  GetFolderPath: getFolderPath,
  GetDocumentPath: getDocumentPath,
  AddResourcePermissions: addResourcePermissions,
  DescribeResourcePermissions: describeResourcePermissions,
  RemoveResourcePermission: removeResourcePermission,
  RemoveAllResourcePermissions: removeAllResourcePermissions,
  UpdateFolder: updateFolder,
  UpdateDocument: updateDocument,
  DeleteFolder: deleteFolder,
  DeleteDocument: deleteDocument,
  InitiateDocumentVersionUpload: initiateDocumentVersionUpload,
  UpdateDocumentVersion: updateDocumentVersion,
  AbortDocumentVersionUpload: abortDocumentVersionUpload,
  GetDocument: getDocument,
  GetDocumentVersion: getDocumentVersion,
  DescribeDocumentVersions: describeDocumentVersions,
  GetFolder: getFolder,
  CreateFolder: createFolder,
  DescribeFolderContents: describeFolderContents,
  DescribeRootFolders: describeRootFolders,
  GetCurrentUser: getCurrentUser,
  DescribeUsers: describeUsers,
  CreateUser: createUser,
  GetResources: getResources,
  DeleteDocumentVersion: deleteDocumentVersion,
  RestoreDocumentVersions: restoreDocumentVersions,
  DeleteFolderContents: deleteFolderContents,
  CreateLabels: createLabels,
  DeleteLabels: deleteLabels,
  CreateCustomMetadata: createCustomMetadata,
  DeleteCustomMetadata: deleteCustomMetadata,
};

/** What runOperation needs besides the handler and its input. */
export interface OperationDeps {
  storage: Storage;
  pending: PendingBlobs;
}

/**
 * Runs one WorkDocs operation in one storage transaction: authenticates the token, runs the
 * handler, commits; a rule of the database that refused a change becomes the WorkDocs exception
 * it stands for. Blobs the operation let go are deleted after the commit (a failure there leaves
 * them to the next cleanup).
 */
export async function runOperation(
  deps: OperationDeps,
  handler: Handler,
  input: Input,
  base: Omit<OpContext, 'store' | 'user' | 'blobsToDelete'>,
): Promise<unknown> {
  let blobsToDelete: string[] = [];
  let output: unknown;
  try {
    output = await deps.storage.transaction(async (store) => {
      blobsToDelete = [];
      const user = await authenticate(store, input.AuthenticationToken);
      return handler(input, { ...base, store, user, blobsToDelete });
    });
  } catch (err) {
    throw err instanceof ConstraintError ? constraintToWorkDocs(err) : err;
  }
  if (blobsToDelete.length > 0)
    await deps.pending.removeLetGo(blobsToDelete).catch(() => undefined);
  return output;
}

/** The WorkDocs exception a refused change stands for (another request won a race). */
function constraintToWorkDocs(err: ConstraintError): WorkDocsError {
  if (err.kind === 'unique') {
    const what = err.table === 'users' ? 'A user with this username' : 'A resource with this name';
    return new WorkDocsError('EntityAlreadyExistsException', `${what} already exists`);
  }
  if (err.kind === 'foreign-key') {
    return new WorkDocsError(
      'ConflictingOperationException',
      'A resource this operation depends on was changed or deleted meanwhile; try again',
    );
  }
  return new WorkDocsError('InvalidArgumentException', 'The change breaks a rule of the service');
}
