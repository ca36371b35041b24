/**
 * WorkDocs Local: a WorkDocs-compatible HTTP service (restJson1 + SigV4 + Authentication tokens,
 * SQLite metadata, bytes in files) that the official AWS SDK talks to unchanged.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { loadWorkDocsLocalConfig } from '../config.js';
import type { WorkDocsLocalConfig } from '../config.js';
import { isLoopback } from '../net.js';
import { Chaos } from './control/chaos.js';
import { RequestHandler } from './http/handler.js';
import { createHttpServer } from './http/server.js';
import { loadOrCreateAdminKeys } from './keys.js';
import { lockDataDir } from './lock.js';
import { DirectoryBlobStore } from './storage/blobs.js';
import { openStorage } from './storage/database.js';
import type { Storage } from './storage/database.js';
import { PendingBlobs } from './storage/pending.js';
import { newId, newToken } from './storage/repo.js';
import type { Repo, UserRow } from './storage/repo.js';
import { WorkDocsLocalMetrics } from './control/metrics.js';
import type { Telemetry } from '../observability/telemetry.js';

export interface WorkDocsLocalOptions extends Partial<WorkDocsLocalConfig> {
  logger?: Logger;
  /** The clock (epoch ms) used for signatures, URL expiry and timestamps; for tests. */
  now?: () => number;
  /**
   * Check every response body against its operation's output shape in the WorkDocs model; a body
   * that does not fit is logged and answered 500 naming what is wrong. For tests and development
   * of handlers (every test runs with it); off by default.
   */
  checkResponses?: boolean;
  /** Tests: the OpenTelemetry setup to use (else one from `otlpEndpoint`, or none). */
  telemetry?: Telemetry | undefined;
  /**
   * Whether the chaos API requires the administrator's SigV4 signature. Default: when listening
   * beyond loopback. (Tests, which listen on 127.0.0.1 only, force it.)
   */
  chaosRequiresKeys?: boolean;
}

export interface CreatedUser {
  userId: string;
  username: string;
  rootFolderId: string;
  token: string;
}

export interface WorkDocsLocal {
  /** e.g. http://127.0.0.1:41234 — what the SDK's `endpoint` option takes. */
  endpoint: string;
  port: number;
  region: string;
  /** The administrator's key pair (a request signed with it and no token acts as administrator). */
  accessKeyId: string;
  secretAccessKey: string;
  /** Where the generated key pair is kept (mode 0600); undefined when the pair was configured. */
  adminKeysFile: string | undefined;
  /** The Authentication token of the demo user. */
  demoToken: string;
  demoUserId: string;
  demoRootFolderId: string;
  organizationId: string;
  dataDir: string;
  /** Stops listening, closes keep-alive sockets, closes the database. */
  close(): Promise<void>;
  /** Creates a user (root folder included) and issues a token for them. */
  createUserWithToken(
    username: string,
    options?: { givenName?: string; surname?: string; storageBytes?: number | null },
  ): Promise<CreatedUser>;
  /** Issues a new token for a user (by id or username). */
  issueToken(userIdOrUsername: string): Promise<string>;
  /** Sets a user's quota in bytes; null = UNLIMITED. */
  setQuota(userIdOrUsername: string, bytes: number | null): Promise<void>;
  /** Sets a folder's ResourceState (e.g. RECYCLED, to exercise ProhibitedStateException). */
  setFolderState(
    folderId: string,
    state: 'ACTIVE' | 'RECYCLING' | 'RECYCLED' | 'RESTORING',
  ): Promise<void>;
  /** Deletes the bytes of expired uploads and of blobs let go (see storage/pending.ts); how many. */
  cleanup(): Promise<number>;
}

export const DB_FILE = 'workdocs-local.sqlite';
export const DEMO_USERNAME = 'demo';

export interface Seeded {
  organizationId: string;
  demoUser: UserRow;
  demoToken: string;
  urlKey: Buffer;
}

/**
 * Opens the metadata storage — PostgreSQL when `databaseUrl` is given, else the data dir's SQLite
 * file (creating it) — migrates it, and seeds it idempotently (organization, URL-signing key,
 * demo user and token: every node of one database shares them).
 */
export async function openDataDir(
  dataDir: string,
  opts: {
    demoToken?: string | undefined;
    defaultStorageBytes?: number | undefined;
    databaseUrl?: string | undefined;
    now: number;
  },
): Promise<{ storage: Storage; seeded: Seeded }> {
  mkdirSync(dataDir, { recursive: true });
  const storage = await openStorage({
    databaseUrl: opts.databaseUrl,
    sqliteFile: path.join(dataDir, DB_FILE),
  });
  try {
    const seeded = await storage.transaction(async (store: Repo): Promise<Seeded> => {
      const organizationId = await store.metaOrInit(
        'organization_id',
        () => `d-${newId().slice(0, 10)}`,
      );
      const urlKey = Buffer.from(
        await store.metaOrInit('url_key', () => randomBytes(32).toString('hex')),
        'hex',
      );
      let demoUser = await store.getUserByUsername(DEMO_USERNAME);
      if (!demoUser) {
        demoUser = await store.createUser(
          organizationId,
          {
            username: DEMO_USERNAME,
            email: 'demo@example.com',
            givenName: 'Demo',
            surname: 'User',
            storageType: opts.defaultStorageBytes === undefined ? 'UNLIMITED' : 'QUOTA',
            storageAllocated: opts.defaultStorageBytes ?? null,
          },
          opts.now,
        );
      }
      const stored = await store.getMeta('demo_token');
      const demoToken = opts.demoToken ?? stored ?? newToken();
      if (demoToken !== stored) await store.setMeta('demo_token', demoToken);
      await store.addToken(demoUser.id, demoToken, opts.now);
      return { organizationId, demoUser, demoToken, urlKey };
    });
    return { storage, seeded };
  } catch (err) {
    await storage.close();
    throw err;
  }
}

export async function startWorkDocsLocal(
  options: WorkDocsLocalOptions = {},
): Promise<WorkDocsLocal> {
  const {
    logger: givenLogger,
    now: givenNow,
    checkResponses,
    telemetry: givenTelemetry,
    chaosRequiresKeys,
    ...overrides
  } = options;
  const defined = Object.fromEntries(
    Object.entries(overrides as Record<string, unknown>).filter(([, v]) => v !== undefined),
  ) as Partial<WorkDocsLocalConfig>;
  const config: WorkDocsLocalConfig = { ...loadWorkDocsLocalConfig(), ...defined };
  const now = givenNow ?? Date.now;
  const logger = (givenLogger ?? pino({ level: config.logLevel })).child({
    component: 'workdocs-local',
  });
  const dataDir = path.resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  // Embedded (SQLite) mode: first the lock — a second instance must touch nothing (no seeding, no
  // cleanup of blobs). With PostgreSQL, several nodes share one organization by design.
  const lock = config.databaseUrl === undefined ? lockDataDir(dataDir) : undefined;
  let opened: Awaited<ReturnType<typeof openDataDir>> | undefined;
  let cleanupTimer: NodeJS.Timeout | undefined;
  let pending: PendingBlobs | undefined;
  // Created first so that a failed start has one thing to undo; requests reach it only once it
  // listens, after `handler` is set.
  let handler: RequestHandler | undefined;
  const server = createHttpServer((req, res) => {
    handler?.handle(req, res);
  }, config);
  let urlBase = config.publicUrl?.replace(/\/+$/, '') ?? '';
  // The OpenTelemetry SDK is loaded only when tracing is on: it is resident memory otherwise.
  const ownTelemetry =
    givenTelemetry === undefined && config.otlpEndpoint !== undefined && config.otlpEndpoint !== ''
      ? (await import('../observability/telemetry.js')).Telemetry.create({
          serviceName: config.serviceName ?? 'workdocs-local',
          endpoint: config.otlpEndpoint,
        })
      : undefined;
  let keys;
  try {
    keys = loadOrCreateAdminKeys(dataDir, config);
    if (keys.warning !== undefined) logger.warn(keys.warning);
    opened = await openDataDir(dataDir, {
      demoToken: config.demoToken,
      defaultStorageBytes: config.defaultStorageBytes,
      databaseUrl: config.databaseUrl,
      now: now(),
    });
    const { storage, seeded } = opened;
    const blobs = new DirectoryBlobStore(dataDir);
    pending = new PendingBlobs(storage, blobs, {
      leaseMs: config.uploadLeaseSeconds * 1000,
    });
    // Bytes that a crash (of this or any node) left behind are removed once their lease expired —
    // never an upload another node is still receiving. Then again every lease period.
    const sweeper = pending;
    const cleanup = (): Promise<number> =>
      sweeper.cleanup().catch((err: unknown) => {
        logger.warn({ err }, 'blob cleanup failed');
        return 0;
      });
    // Embedded mode, data dir locked: nothing else can be in flight, so every leftover of a crash
    // (pending rows, bytes nothing knows of) goes now.
    if (lock === undefined) await cleanup();
    else await sweeper.cleanupExclusive();
    cleanupTimer = setInterval(
      () => void cleanup(),
      Math.min(config.uploadLeaseSeconds * 1000, 60_000),
    );
    cleanupTimer.unref();
    handler = new RequestHandler({
      metrics: new WorkDocsLocalMetrics(),
      telemetry: givenTelemetry ?? ownTelemetry,
      storage,
      blobs,
      pending,
      chaos: config.chaos ? new Chaos() : undefined,
      logger,
      keys: [{ accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey }],
      organizationId: seeded.organizationId,
      urlKey: seeded.urlKey,
      urlTtlSeconds: config.uploadUrlTtlSeconds,
      folderChildLimit: config.folderChildLimit,
      defaultStorageBytes: config.defaultStorageBytes,
      maxUploadBytes: config.maxUploadBytes,
      controlNeedsAuth: chaosRequiresKeys ?? !isLoopback(config.host),
      checkResponses: checkResponses === true,
      urlBase: () => urlBase,
      now,
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    clearInterval(cleanupTimer);
    await opened?.storage.close();
    await ownTelemetry?.shutdown();
    lock?.release();
    throw err;
  }
  const { storage, seeded } = opened;
  const blobCleaner = pending;
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const endpoint = `http://${hostForUrl}:${address.port}`;
  if (urlBase === '') urlBase = endpoint;
  logger.info(
    { endpoint, dataDir, chaos: config.chaos, adminKeysFile: keys.file },
    'WorkDocs Local listening',
  );

  let closed: Promise<void> | undefined;
  const findUser = async (store: Repo, idOrUsername: string): Promise<UserRow> => {
    const user = await store.findUser(idOrUsername);
    if (!user) throw new Error(`No user ${idOrUsername}`);
    return user;
  };

  return {
    endpoint,
    port: address.port,
    region: config.region,
    accessKeyId: keys.accessKeyId,
    secretAccessKey: keys.secretAccessKey,
    adminKeysFile: keys.file,
    demoToken: seeded.demoToken,
    demoUserId: seeded.demoUser.id,
    demoRootFolderId: seeded.demoUser.root_folder_id,
    organizationId: seeded.organizationId,
    dataDir,
    close() {
      closed ??= new Promise<void>((resolve) => {
        clearInterval(cleanupTimer);
        server.close(() => {
          void storage
            .close()
            .then(() => ownTelemetry?.shutdown())
            .finally(() => {
              lock?.release();
              logger.info('WorkDocs Local stopped');
              resolve();
            });
        });
        server.closeAllConnections();
      });
      return closed;
    },
    async createUserWithToken(username, opts = {}) {
      const storageBytes =
        opts.storageBytes === undefined
          ? config.defaultStorageBytes
          : (opts.storageBytes ?? undefined);
      return storage.transaction(async (store) => {
        const user = await store.createUser(
          seeded.organizationId,
          {
            username,
            givenName: opts.givenName ?? username,
            surname: opts.surname ?? 'User',
            storageType: storageBytes === undefined ? 'UNLIMITED' : 'QUOTA',
            storageAllocated: storageBytes ?? null,
          },
          now(),
        );
        const token = newToken();
        await store.addToken(user.id, token, now());
        return {
          userId: user.id,
          username: user.username,
          rootFolderId: user.root_folder_id,
          token,
        };
      });
    },
    issueToken(idOrUsername) {
      return storage.transaction(async (store) => {
        const user = await findUser(store, idOrUsername);
        const token = newToken();
        await store.addToken(user.id, token, now());
        return token;
      });
    },
    setQuota(idOrUsername, bytes) {
      return storage.transaction(async (store) =>
        store.setQuota((await findUser(store, idOrUsername)).id, bytes, now()),
      );
    },
    setFolderState(folderId, state) {
      return storage.transaction((store) => store.setFolderState(folderId, state, now()));
    },
    cleanup() {
      return blobCleaner.cleanup();
    },
  };
}
