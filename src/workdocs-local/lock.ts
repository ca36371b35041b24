/**
 * The data-directory lock of embedded (SQLite) WorkDocs Local: one running instance per data dir.
 * A second instance would otherwise sweep the first one's in-flight uploads at start-up.
 *
 * The lock is SQLite's own exclusive lock on `<dataDir>/instance.lock` (an fcntl lock, also honoured
 * between connections of one process), held while the instance runs and released by the kernel
 * when the process dies, even by kill -9: no stale lock file to clean up.
 */
import Database from 'better-sqlite3';
import path from 'node:path';

export const LOCK_FILE = 'instance.lock';

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
}

export interface DataDirLock {
  release(): void;
}

/** Takes the lock or throws DataDirLockedError at once (no waiting). */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = path.join(dataDir, LOCK_FILE);
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // A write transaction, kept open: the exclusive lock is held until the connection closes.
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new DataDirLockedError(
        `The data directory ${dataDir} is in use by another WorkDocs Local (${file} is locked); stop it first or choose another WORKDOCS_LOCAL_DATA_DIR`,
      );
    }
    throw err;
  }
  return {
    release() {
      if (db.open) db.close();
    },
  };
}
