/**
 * Blob files whose fate the metadata database decides (PendingBlobsTable): an upload first records
 * its blob as pending with a lease, keeps the lease alive while bytes arrive, and commits it to its
 * version in one transaction that also removes the pending row. Deleted bytes are let go inside the
 * deleting transaction and removed right after commit. Whatever a crash leaves behind — a partial
 * upload, bytes never committed, a deletion not carried out — is an expired row that any node's
 * cleanup removes; a node never touches a blob whose lease is alive, so nodes sharing a blob
 * directory do not disturb each other's uploads.
 */
import type { Readable } from 'node:stream';
import type { BlobStore, WrittenBlob } from './blobs.js';
import { newBlobName } from './blobs.js';
import type { Storage } from './database.js';
import { CommitRefusalError } from './repo.js';
import type { CommitRefusal } from './repo.js';

export interface PendingBlobsOptions {
  /** How long an upload stays alive without news from its node (default 5 minutes). */
  leaseMs?: number | undefined;
}

export type CommitResult = { ok: true } | { ok: false; reason: CommitRefusal };

export class PendingBlobs {
  readonly leaseMs: number;

  constructor(
    private readonly storage: Storage,
    private readonly blobs: BlobStore,
    options: PendingBlobsOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 300_000;
  }

  /**
   * Streams an upload into a new pending blob. On failure nothing stays behind (the error is
   * rethrown); on success the blob waits for commit() or discard().
   */
  async receive(source: Readable, maxBytes?: number): Promise<WrittenBlob> {
    const name = newBlobName();
    await this.storage.transaction((repo) => repo.beginUpload(name, this.leaseMs));
    const renew = setInterval(
      () => {
        this.storage
          .transaction((repo) => repo.renewUpload(name, this.leaseMs))
          .catch(() => undefined); // the commit notices an expired lease
      },
      Math.max(1, Math.floor(this.leaseMs / 4)),
    );
    renew.unref();
    try {
      return await this.blobs.write(name, source, maxBytes);
    } catch (err) {
      await this.discard(name);
      throw err;
    } finally {
      clearInterval(renew);
    }
  }

  /** Makes a received blob the bytes of an INITIALIZED version (see Repo.commitUpload). */
  async commit(c: {
    documentId: string;
    versionId: string;
    written: WrittenBlob;
    now: number;
  }): Promise<CommitResult> {
    let previous: string | null;
    try {
      ({ previousBlob: previous } = await this.storage.transaction((repo) =>
        repo.commitUpload({
          documentId: c.documentId,
          versionId: c.versionId,
          blob: c.written.name,
          size: c.written.size,
          sha256: c.written.sha256,
          now: c.now,
        }),
      ));
    } catch (err) {
      await this.discard(c.written.name);
      if (err instanceof CommitRefusalError) return { ok: false, reason: err.reason };
      throw err;
    }
    if (previous !== null) await this.removeLetGo([previous]);
    return { ok: true };
  }

  /** Drops a received blob that will not be committed. */
  async discard(name: string): Promise<void> {
    await this.blobs.remove(name);
    await this.storage.transaction((repo) => repo.letGo([name]).then(() => repo.forgetBlob(name)));
  }

  /** Removes the files of blobs a committed transaction let go, then their rows. */
  async removeLetGo(names: readonly string[]): Promise<void> {
    for (const name of names) {
      await this.blobs.remove(name);
      await this.storage.transaction((repo) => repo.forgetBlob(name));
    }
  }

  /** Removes the files of every expired row; returns how many. */
  async cleanup(): Promise<number> {
    let removed = 0;
    for (;;) {
      const names = await this.storage.transaction((repo) => repo.expiredBlobs(100));
      if (names.length === 0) return removed;
      await this.removeLetGo(names);
      removed += names.length;
    }
  }

  /**
   * Start-up of a process that alone uses this database and blob directory (the embedded mode,
   * data dir locked): nothing can be in flight, so every pending row is expired and removed, and
   * files nothing knows of (left by versions before pending rows existed) are deleted too.
   */
  async cleanupExclusive(): Promise<number> {
    await this.storage.transaction((repo) => repo.expireAllPending());
    let removed = await this.cleanup();
    const known = await this.storage.transaction((repo) => repo.knownBlobs());
    for (const name of await this.blobs.list()) {
      if (!known.has(name)) {
        await this.blobs.remove(name);
        removed++;
      }
    }
    return removed;
  }
}
