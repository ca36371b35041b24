/**
 * The implemented WorkDocs operations: the table from operation name to handler. Each handler takes
 * the validated input (member names as in the model) and returns the output structure (serialized
 * by `toWire`); see access.ts for the access rules.
 */
import type { Handler } from './context.js';
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
