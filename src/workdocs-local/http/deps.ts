/** What the HTTP front (API, transfers, control plane) needs from the composition root. */
import type { Logger } from 'pino';
import type { Telemetry } from '../../observability/telemetry.js';
import type { WorkDocsLocalMetrics } from '../control/metrics.js';
import type { BlobStore } from '../storage/blobs.js';
import type { Chaos } from '../control/chaos.js';
import type { Storage } from '../storage/database.js';
import type { PendingBlobs } from '../storage/pending.js';
import type { Credentials } from './sigv4.js';

export interface ServerDeps {
  storage: Storage;
  blobs: BlobStore;
  /** Uploads in flight and blobs let go (shared by every node through the storage). */
  pending: PendingBlobs;
  chaos: Chaos | undefined;
  logger: Logger;
  keys: Credentials[];
  organizationId: string;
  urlKey: Buffer;
  urlTtlSeconds: number;
  folderChildLimit: number;
  defaultStorageBytes: number | undefined;
  /** The largest upload (one version's bytes). */
  maxUploadBytes: number;
  /** Whether the chaos API requires the administrator's SigV4 signature (listening beyond loopback). */
  controlNeedsAuth: boolean;
  /** The base of upload/download URLs (set once listening). */
  urlBase: () => string;
  now: () => number;
  /** Check each response against the model's output shape (WorkDocsLocalOptions.checkResponses). */
  checkResponses: boolean;
  /** `/metrics` and the request metrics (`control/metrics.ts`); undefined = none. */
  metrics?: WorkDocsLocalMetrics | undefined;
  /** Spans continuing callers' `traceparent` (tracing on); undefined = off. */
  telemetry?: Telemetry | undefined;
}
