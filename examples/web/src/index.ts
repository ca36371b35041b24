/**
 * The framework-free part of the demo, importable on its own (`npm run web:build` also writes it
 * as `dist/upload-document.js`): the upload flow, the GraphQL client and the human messages.
 */
export {
  uploadDocument,
  DEFAULT_CONTENT_TYPE,
  type UploadError,
  type UploadOptions,
  type UploadProgress,
  type UploadResult,
  type UploadStep,
  type UploadedDocument,
  type UploadUserError,
} from './upload-document.js';
export {
  classifyFailure,
  createGatewayClient,
  type FailureKind,
  type GatewayClient,
  type GatewayClientOptions,
  type GatewayFailure,
  type GraphQLOutcome,
} from './client.js';
export {
  describeFailure,
  describeUploadError,
  describeUserError,
  type HumanMessage,
} from './messages.js';
