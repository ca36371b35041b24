/** What the HTTP front (API, transfers, control plane) needs from the composition root. */
import type { Logger } from 'pino';
import type { BlobStore } from '../storage/blobs.js';
import type { Chaos } from '../control/chaos.js';
import type { Store } from '../storage/store.js';
import type { Credentials } from './sigv4.js';

export interface ServerDeps {
  store: Store;
  blobs: BlobStore;
  chaos: Chaos | undefined;
  logger: Logger;
  keys: Credentials[];
  organizationId: string;
  urlKey: Buffer;
  urlTtlSeconds: number;
  folderChildLimit: number;
  defaultStorageBytes: number | undefined;
  /** The base of upload/download URLs (set once listening). */
  urlBase: () => string;
  now: () => number;
}
