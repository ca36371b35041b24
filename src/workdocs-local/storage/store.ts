/**
 * Metadata of WorkDocs Local in SQLite (better-sqlite3, WAL): organization, users, tokens,
 * folders, documents and versions. File bytes live in the blob directory (see blobs.ts); rows
 * only reference server-generated blob names.
 */
import { createHash, randomBytes, scryptSync } from 'node:crypto';
import Database from 'better-sqlite3';

export interface UserRow {
  id: string;
  username: string;
  email: string | null;
  given_name: string;
  surname: string;
  organization_id: string;
  root_folder_id: string;
  recycle_bin_folder_id: string;
  status: string;
  type: string;
  time_zone_id: string | null;
  locale: string | null;
  storage_type: string;
  storage_allocated: number | null;
  created_ms: number;
  modified_ms: number;
}

export interface FolderRow {
  id: string;
  name: string | null;
  creator_id: string;
  owner_id: string;
  parent_id: string | null;
  resource_state: string;
  created_ms: number;
  modified_ms: number;
}

export interface DocumentRow {
  id: string;
  name: string;
  creator_id: string;
  owner_id: string;
  parent_id: string;
  resource_state: string;
  created_ms: number;
  modified_ms: number;
}

export interface VersionRow {
  seq: number;
  id: string;
  document_id: string;
  name: string;
  content_type: string;
  declared_size: number | null;
  status: string;
  signature: string | null;
  blob: string | null;
  blob_size: number | null;
  creator_id: string;
  created_ms: number;
  modified_ms: number;
  content_created_ms: number | null;
  content_modified_ms: number | null;
  /** When DeleteDocumentVersion deleted it (RestoreDocumentVersions brings it back); else null. */
  deleted_ms: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE,
  email TEXT,
  given_name TEXT NOT NULL,
  surname TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  root_folder_id TEXT NOT NULL,
  recycle_bin_folder_id TEXT NOT NULL,
  status TEXT NOT NULL,
  type TEXT NOT NULL,
  time_zone_id TEXT,
  locale TEXT,
  storage_type TEXT NOT NULL,
  storage_allocated INTEGER,
  password_hash TEXT,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS folders (
  id TEXT PRIMARY KEY,
  name TEXT,
  creator_id TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  parent_id TEXT,
  resource_state TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS folders_parent ON folders(parent_id);
CREATE TABLE IF NOT EXISTS documents (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  creator_id TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  parent_id TEXT NOT NULL,
  resource_state TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_parent ON documents(parent_id);
CREATE TABLE IF NOT EXISTS versions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  document_id TEXT NOT NULL,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  declared_size INTEGER,
  status TEXT NOT NULL,
  signature TEXT,
  blob TEXT,
  blob_size INTEGER,
  creator_id TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL,
  content_created_ms INTEGER,
  content_modified_ms INTEGER,
  deleted_ms INTEGER
);
CREATE INDEX IF NOT EXISTS versions_document ON versions(document_id);
CREATE TABLE IF NOT EXISTS permissions (
  resource_id TEXT NOT NULL,
  principal_id TEXT NOT NULL,
  role TEXT NOT NULL,
  share_id TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (resource_id, principal_id)
);
CREATE INDEX IF NOT EXISTS permissions_principal ON permissions(principal_id);
CREATE TABLE IF NOT EXISTS labels (
  resource_id TEXT NOT NULL,
  label TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (resource_id, label)
);
CREATE TABLE IF NOT EXISTS custom_metadata (
  resource_id TEXT NOT NULL,
  version_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (resource_id, version_id, key)
);
`;

export interface PermissionRow {
  resource_id: string;
  principal_id: string;
  role: string;
  share_id: string;
  created_ms: number;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new resource id: 64 hex characters (fits `[\w+-.@]+`, ≤ 128). */
export function newId(): string {
  return randomBytes(32).toString('hex');
}

/** A new version id: creation time plus randomness, so ids sort roughly by age. */
export function newVersionId(now: number): string {
  return `${now}-${randomBytes(12).toString('hex')}`;
}

export function newToken(): string {
  return `wdl_${randomBytes(32).toString('base64url')}`;
}

export interface NewUser {
  username: string;
  email?: string | undefined;
  givenName: string;
  surname: string;
  password?: string | undefined;
  timeZoneId?: string | undefined;
  type?: string | undefined;
  storageType: 'UNLIMITED' | 'QUOTA';
  storageAllocated: number | null;
}

export class Store {
  readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    // Data dirs written before versions could be deleted (and restored).
    const columns = this.db.pragma('table_info(versions)') as { name: string }[];
    if (!columns.some((c) => c.name === 'deleted_ms')) {
      this.db.exec('ALTER TABLE versions ADD COLUMN deleted_ms INTEGER');
    }
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** A prepared statement, prepared once per SQL text. */
  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  getMeta(key: string): string | undefined {
    const row = this.stmt('SELECT value FROM meta WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmt(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ).run(key, value);
  }

  /** Returns the stored value of `key`, creating it with `make()` first if absent. */
  metaOrInit(key: string, make: () => string): string {
    const existing = this.getMeta(key);
    if (existing !== undefined) return existing;
    const value = make();
    this.setMeta(key, value);
    return value;
  }

  // ---- users and tokens ----

  createUser(organizationId: string, u: NewUser, now: number): UserRow {
    const id = `${u.username.replace(/[^\w+.@-]/g, '_').slice(0, 64)}-${randomBytes(8).toString('hex')}`;
    const rootId = newId();
    const binId = newId();
    const passwordHash = u.password !== undefined ? hashPassword(u.password) : null;
    this.db.transaction(() => {
      this.stmt(
        `INSERT INTO users (id, username, email, given_name, surname, organization_id, root_folder_id,
             recycle_bin_folder_id, status, type, time_zone_id, locale, storage_type, storage_allocated,
             password_hash, created_ms, modified_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?, 'default', ?, ?, ?, ?, ?)`,
      ).run(
        id,
        u.username,
        u.email ?? null,
        u.givenName,
        u.surname,
        organizationId,
        rootId,
        binId,
        u.type ?? 'USER',
        u.timeZoneId ?? null,
        u.storageType,
        u.storageAllocated,
        passwordHash,
        now,
        now,
      );
      const insertFolder = this.stmt(
        `INSERT INTO folders (id, name, creator_id, owner_id, parent_id, resource_state, created_ms, modified_ms)
         VALUES (?, ?, ?, ?, NULL, 'ACTIVE', ?, ?)`,
      );
      insertFolder.run(rootId, null, id, id, now, now);
      insertFolder.run(binId, 'Recycle bin', id, id, now, now);
    })();
    const user = this.getUser(id);
    if (!user) throw new Error('user insert failed');
    return user;
  }

  getUser(id: string): UserRow | undefined {
    return this.stmt('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
  }

  getUserByUsername(username: string): UserRow | undefined {
    return this.stmt('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
  }

  /** A user by id or username. */
  findUser(idOrUsername: string): UserRow | undefined {
    return this.getUser(idOrUsername) ?? this.getUserByUsername(idOrUsername);
  }

  listUsers(organizationId: string): UserRow[] {
    return this.stmt(
      'SELECT * FROM users WHERE organization_id = ? ORDER BY username COLLATE NOCASE',
    ).all(organizationId) as UserRow[];
  }

  setQuota(userId: string, bytes: number | null, now: number): void {
    this.stmt(
      'UPDATE users SET storage_type = ?, storage_allocated = ?, modified_ms = ? WHERE id = ?',
    ).run(bytes === null ? 'UNLIMITED' : 'QUOTA', bytes, now, userId);
  }

  updateUser(
    id: string,
    changes: Partial<
      Pick<
        UserRow,
        | 'given_name'
        | 'surname'
        | 'type'
        | 'time_zone_id'
        | 'locale'
        | 'status'
        | 'storage_type'
        | 'storage_allocated'
      >
    >,
    now: number,
  ): void {
    const u = this.getUser(id);
    if (!u) return;
    const next = { ...u, ...changes };
    this.stmt(
      `UPDATE users SET given_name = ?, surname = ?, type = ?, time_zone_id = ?, locale = ?, status = ?,
         storage_type = ?, storage_allocated = ?, modified_ms = ? WHERE id = ?`,
    ).run(
      next.given_name,
      next.surname,
      next.type,
      next.time_zone_id,
      next.locale,
      next.status,
      next.storage_type,
      next.storage_allocated,
      now,
      id,
    );
  }

  addToken(userId: string, token: string, now: number): void {
    this.stmt('INSERT OR IGNORE INTO tokens (hash, user_id, created_ms) VALUES (?, ?, ?)').run(
      hashToken(token),
      userId,
      now,
    );
  }

  userForToken(token: string): UserRow | undefined {
    return this.stmt(
      'SELECT u.* FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?',
    ).get(hashToken(token)) as UserRow | undefined;
  }

  /** Bytes of the user's documents: every version whose bytes have arrived. */
  storageUtilized(userId: string): number {
    const row = this.stmt(
      `SELECT COALESCE(SUM(v.blob_size), 0) AS total FROM versions v
         JOIN documents d ON d.id = v.document_id WHERE d.owner_id = ? AND v.blob_size IS NOT NULL`,
    ).get(userId) as { total: number };
    return row.total;
  }

  // ---- folders ----

  getFolder(id: string): FolderRow | undefined {
    return this.stmt('SELECT * FROM folders WHERE id = ?').get(id) as FolderRow | undefined;
  }

  createFolder(f: Omit<FolderRow, 'id'>): FolderRow {
    const id = newId();
    this.stmt(
      `INSERT INTO folders (id, name, creator_id, owner_id, parent_id, resource_state, created_ms, modified_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      f.name,
      f.creator_id,
      f.owner_id,
      f.parent_id,
      f.resource_state,
      f.created_ms,
      f.modified_ms,
    );
    return { id, ...f };
  }

  setFolderState(id: string, state: string, now: number): void {
    this.stmt('UPDATE folders SET resource_state = ?, modified_ms = ? WHERE id = ?').run(
      state,
      now,
      id,
    );
  }

  childFolders(parentId: string): FolderRow[] {
    return this.stmt('SELECT * FROM folders WHERE parent_id = ?').all(parentId) as FolderRow[];
  }

  childDocuments(parentId: string): DocumentRow[] {
    return this.stmt('SELECT * FROM documents WHERE parent_id = ?').all(parentId) as DocumentRow[];
  }

  childCount(parentId: string): number {
    const row = this.stmt(
      `SELECT (SELECT COUNT(*) FROM folders WHERE parent_id = ?) +
                (SELECT COUNT(*) FROM documents WHERE parent_id = ?) AS n`,
    ).get(parentId, parentId) as { n: number };
    return row.n;
  }

  folderNameTaken(parentId: string, name: string): boolean {
    return (
      this.stmt('SELECT 1 FROM folders WHERE parent_id = ? AND name = ?').get(parentId, name) !==
      undefined
    );
  }

  documentNameTaken(parentId: string, name: string): boolean {
    return (
      this.stmt('SELECT 1 FROM documents WHERE parent_id = ? AND name = ?').get(parentId, name) !==
      undefined
    );
  }

  // ---- documents and versions ----

  getDocument(id: string): DocumentRow | undefined {
    return this.stmt('SELECT * FROM documents WHERE id = ?').get(id) as DocumentRow | undefined;
  }

  getVersion(documentId: string, versionId: string): VersionRow | undefined {
    return this.stmt(
      'SELECT * FROM versions WHERE document_id = ? AND id = ? AND deleted_ms IS NULL',
    ).get(documentId, versionId) as VersionRow | undefined;
  }

  versions(documentId: string): VersionRow[] {
    return this.stmt(
      'SELECT * FROM versions WHERE document_id = ? AND deleted_ms IS NULL ORDER BY seq DESC',
    ).all(documentId) as VersionRow[];
  }

  /** The latest ACTIVE version, or the newest version if none is active yet. */
  latestVersion(documentId: string): VersionRow | undefined {
    return this.stmt(
      `SELECT * FROM versions WHERE document_id = ? AND deleted_ms IS NULL
         ORDER BY CASE status WHEN 'ACTIVE' THEN 0 ELSE 1 END, seq DESC LIMIT 1`,
    ).get(documentId) as VersionRow | undefined;
  }

  hasActiveVersion(documentId: string): boolean {
    return (
      this.stmt(
        "SELECT 1 FROM versions WHERE document_id = ? AND status = 'ACTIVE' AND deleted_ms IS NULL",
      ).get(documentId) !== undefined
    );
  }

  createDocumentWithVersion(
    doc: Omit<DocumentRow, 'id'>,
    version: Omit<VersionRow, 'seq' | 'document_id' | 'deleted_ms'>,
  ): {
    document: DocumentRow;
    version: VersionRow;
  } {
    const id = newId();
    this.db.transaction(() => {
      this.stmt(
        `INSERT INTO documents (id, name, creator_id, owner_id, parent_id, resource_state, created_ms, modified_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        doc.name,
        doc.creator_id,
        doc.owner_id,
        doc.parent_id,
        doc.resource_state,
        doc.created_ms,
        doc.modified_ms,
      );
      this.insertVersion(id, version);
    })();
    const document = this.getDocument(id);
    const v = this.getVersion(id, version.id);
    if (!document || !v) throw new Error('document insert failed');
    return { document, version: v };
  }

  addVersion(
    documentId: string,
    version: Omit<VersionRow, 'seq' | 'document_id' | 'deleted_ms'>,
  ): VersionRow {
    this.insertVersion(documentId, version);
    const v = this.getVersion(documentId, version.id);
    if (!v) throw new Error('version insert failed');
    return v;
  }

  private insertVersion(
    documentId: string,
    v: Omit<VersionRow, 'seq' | 'document_id' | 'deleted_ms'>,
  ): void {
    this.stmt(
      `INSERT INTO versions (id, document_id, name, content_type, declared_size, status, signature, blob,
           blob_size, creator_id, created_ms, modified_ms, content_created_ms, content_modified_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      v.id,
      documentId,
      v.name,
      v.content_type,
      v.declared_size,
      v.status,
      v.signature,
      v.blob,
      v.blob_size,
      v.creator_id,
      v.created_ms,
      v.modified_ms,
      v.content_created_ms,
      v.content_modified_ms,
    );
  }

  /**
   * Records the bytes of an INITIALIZED version; returns the blob it replaced (to delete) or
   * undefined. Returns false if the version is gone or no longer INITIALIZED.
   */
  setVersionBlob(
    documentId: string,
    versionId: string,
    blob: string,
    size: number,
    signature: string,
    now: number,
  ): { ok: boolean; previousBlob: string | null } {
    return this.db.transaction(() => {
      const v = this.getVersion(documentId, versionId);
      if (v?.status !== 'INITIALIZED') return { ok: false, previousBlob: null };
      this.stmt(
        'UPDATE versions SET blob = ?, blob_size = ?, signature = ?, modified_ms = ? WHERE seq = ?',
      ).run(blob, size, signature, now, v.seq);
      return { ok: true, previousBlob: v.blob };
    })();
  }

  activateVersion(seq: number, documentId: string, name: string, now: number): void {
    this.db.transaction(() => {
      this.stmt("UPDATE versions SET status = 'ACTIVE', modified_ms = ? WHERE seq = ?").run(
        now,
        seq,
      );
      this.stmt('UPDATE documents SET name = ?, modified_ms = ? WHERE id = ?').run(
        name,
        now,
        documentId,
      );
    })();
  }

  /** Deletes a version (and its document if it was the only one); returns whether the doc went. */
  deleteVersion(seq: number, documentId: string): boolean {
    return this.db.transaction(() => {
      const v = this.stmt('SELECT id FROM versions WHERE seq = ?').get(seq) as
        { id: string } | undefined;
      this.stmt('DELETE FROM versions WHERE seq = ?').run(seq);
      if (v) {
        this.stmt('DELETE FROM custom_metadata WHERE resource_id = ? AND version_id = ?').run(
          documentId,
          v.id,
        );
      }
      const left = this.stmt('SELECT COUNT(*) AS n FROM versions WHERE document_id = ?').get(
        documentId,
      ) as { n: number };
      if (left.n === 0) {
        this.deleteAnnotations(documentId);
        this.stmt('DELETE FROM documents WHERE id = ?').run(documentId);
        return true;
      }
      return false;
    })();
  }

  updateFolder(
    id: string,
    changes: { name?: string; parent_id?: string; resource_state?: string },
    now: number,
  ): void {
    const f = this.getFolder(id);
    if (!f) return;
    this.stmt(
      'UPDATE folders SET name = ?, parent_id = ?, resource_state = ?, modified_ms = ? WHERE id = ?',
    ).run(
      changes.name ?? f.name,
      changes.parent_id ?? f.parent_id,
      changes.resource_state ?? f.resource_state,
      now,
      id,
    );
  }

  updateDocument(
    id: string,
    changes: { name?: string; parent_id?: string; resource_state?: string },
    now: number,
  ): void {
    const d = this.getDocument(id);
    if (!d) return;
    this.db.transaction(() => {
      this.stmt(
        'UPDATE documents SET name = ?, parent_id = ?, resource_state = ?, modified_ms = ? WHERE id = ?',
      ).run(
        changes.name ?? d.name,
        changes.parent_id ?? d.parent_id,
        changes.resource_state ?? d.resource_state,
        now,
        id,
      );
      if (changes.name !== undefined) {
        const latest = this.latestVersion(id);
        if (latest) {
          this.stmt('UPDATE versions SET name = ?, modified_ms = ? WHERE seq = ?').run(
            changes.name,
            now,
            latest.seq,
          );
        }
      }
    })();
  }

  /** Whether `folderId` is `ancestorId` or lies below it. */
  isWithin(folderId: string, ancestorId: string): boolean {
    const row = this.stmt(
      `WITH RECURSIVE up(id, parent_id) AS (
         SELECT id, parent_id FROM folders WHERE id = ?
         UNION ALL SELECT f.id, f.parent_id FROM folders f JOIN up ON f.id = up.parent_id)
       SELECT 1 FROM up WHERE id = ? LIMIT 1`,
    ).get(folderId, ancestorId);
    return row !== undefined;
  }

  /** Permanently deletes a document and its versions; returns the blobs to delete. */
  deleteDocument(id: string): string[] {
    return this.db.transaction(() => {
      const blobs = (
        this.stmt('SELECT blob FROM versions WHERE document_id = ? AND blob IS NOT NULL').all(
          id,
        ) as { blob: string }[]
      ).map((r) => r.blob);
      this.stmt('DELETE FROM versions WHERE document_id = ?').run(id);
      this.stmt('DELETE FROM permissions WHERE resource_id = ?').run(id);
      this.deleteAnnotations(id);
      this.stmt('DELETE FROM documents WHERE id = ?').run(id);
      return blobs;
    })();
  }

  /** Permanently deletes a folder and everything below it; returns the blobs to delete. */
  deleteFolderTree(id: string): string[] {
    const tree = `WITH RECURSIVE tree(id) AS (
        SELECT ? UNION ALL SELECT f.id FROM folders f JOIN tree t ON f.parent_id = t.id)`;
    return this.db.transaction(() => {
      const blobs = (
        this.stmt(
          `${tree} SELECT v.blob FROM versions v JOIN documents d ON d.id = v.document_id
           WHERE d.parent_id IN (SELECT id FROM tree) AND v.blob IS NOT NULL`,
        ).all(id) as { blob: string }[]
      ).map((r) => r.blob);
      this.stmt(
        `${tree} DELETE FROM versions WHERE document_id IN
           (SELECT id FROM documents WHERE parent_id IN (SELECT id FROM tree))`,
      ).run(id);
      this.stmt(
        `${tree} DELETE FROM permissions WHERE resource_id IN (SELECT id FROM tree)
           OR resource_id IN (SELECT id FROM documents WHERE parent_id IN (SELECT id FROM tree))`,
      ).run(id);
      for (const table of ['labels', 'custom_metadata']) {
        this.stmt(
          `${tree} DELETE FROM ${table} WHERE resource_id IN (SELECT id FROM tree)
           OR resource_id IN (SELECT id FROM documents WHERE parent_id IN (SELECT id FROM tree))`,
        ).run(id);
      }
      this.stmt(`${tree} DELETE FROM documents WHERE parent_id IN (SELECT id FROM tree)`).run(id);
      this.stmt(`${tree} DELETE FROM folders WHERE id IN (SELECT id FROM tree)`).run(id);
      return blobs;
    })();
  }

  // ---- sharing ----

  /** The folder and the folders above it, nearest first. */
  folderChain(folderId: string): string[] {
    const rows = this.stmt(
      `WITH RECURSIVE up(id, parent_id, depth) AS (
         SELECT id, parent_id, 0 FROM folders WHERE id = ?
         UNION ALL SELECT f.id, f.parent_id, up.depth + 1 FROM folders f JOIN up ON f.id = up.parent_id
           WHERE up.depth < 1000)
       SELECT id FROM up ORDER BY depth`,
    ).all(folderId) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** The roles a user was given on any of these resources. */
  rolesOn(userId: string, resourceIds: string[]): string[] {
    if (resourceIds.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT role FROM permissions WHERE principal_id = ? AND resource_id IN (${resourceIds
          .map(() => '?')
          .join(',')})`,
      )
      .all(userId, ...resourceIds) as { role: string }[];
    return rows.map((r) => r.role);
  }

  setPermission(resourceId: string, principalId: string, role: string, now: number): string {
    const existing = this.stmt(
      'SELECT share_id FROM permissions WHERE resource_id = ? AND principal_id = ?',
    ).get(resourceId, principalId) as { share_id: string } | undefined;
    const shareId = existing?.share_id ?? newId();
    this.stmt(
      `INSERT INTO permissions (resource_id, principal_id, role, share_id, created_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(resource_id, principal_id) DO UPDATE SET role = excluded.role`,
    ).run(resourceId, principalId, role, shareId, now);
    return shareId;
  }

  permissionsOn(resourceId: string): PermissionRow[] {
    return this.stmt(
      'SELECT * FROM permissions WHERE resource_id = ? ORDER BY created_ms, principal_id',
    ).all(resourceId) as PermissionRow[];
  }

  removePermission(resourceId: string, principalId: string): void {
    this.stmt('DELETE FROM permissions WHERE resource_id = ? AND principal_id = ?').run(
      resourceId,
      principalId,
    );
  }

  removeAllPermissions(resourceId: string): void {
    this.stmt('DELETE FROM permissions WHERE resource_id = ?').run(resourceId);
  }

  /**
   * Permanently deletes what a folder shows (its subfolders with everything below them, and its
   * documents), not what of it is in the recycle bin; returns the blobs to delete.
   */
  deleteFolderContents(folderId: string): string[] {
    return this.db.transaction(() =>
      this.deleteEach(
        this.stmt(
          "SELECT id FROM folders WHERE parent_id = ? AND resource_state NOT IN ('RECYCLED', 'RECYCLING')",
        ).all(folderId) as { id: string }[],
        this.stmt(
          "SELECT id FROM documents WHERE parent_id = ? AND resource_state NOT IN ('RECYCLED', 'RECYCLING')",
        ).all(folderId) as { id: string }[],
      ),
    )();
  }

  /** Permanently deletes every recycled folder and document of a user; returns the blobs to delete. */
  emptyRecycleBin(ownerId: string): string[] {
    return this.db.transaction(() =>
      this.deleteEach(
        this.stmt(
          "SELECT id FROM folders WHERE owner_id = ? AND resource_state IN ('RECYCLED', 'RECYCLING')",
        ).all(ownerId) as { id: string }[],
        this.stmt(
          "SELECT id FROM documents WHERE owner_id = ? AND resource_state IN ('RECYCLED', 'RECYCLING')",
        ).all(ownerId) as { id: string }[],
      ),
    )();
  }

  private deleteEach(folders: { id: string }[], documents: { id: string }[]): string[] {
    const blobs: string[] = [];
    for (const f of folders) blobs.push(...this.deleteFolderTree(f.id));
    // A document below a folder deleted above is gone already: deleting it again finds nothing.
    for (const d of documents) blobs.push(...this.deleteDocument(d.id));
    return blobs;
  }

  // ---- resources shared with a user (GetResources) ----

  /**
   * The ACTIVE folders and documents shared directly with `userId` (not those below a shared
   * folder), oldest share first; documents only once a version is ACTIVE.
   */
  sharedWith(userId: string): { folders: FolderRow[]; documents: DocumentRow[] } {
    const folders = this.stmt(
      `SELECT f.* FROM permissions p JOIN folders f ON f.id = p.resource_id
         WHERE p.principal_id = ? AND f.resource_state = 'ACTIVE' ORDER BY p.created_ms, f.id`,
    ).all(userId) as FolderRow[];
    const documents = this.stmt(
      `SELECT d.* FROM permissions p JOIN documents d ON d.id = p.resource_id
         WHERE p.principal_id = ? AND d.resource_state = 'ACTIVE'
           AND EXISTS (SELECT 1 FROM versions v WHERE v.document_id = d.id
                         AND v.status = 'ACTIVE' AND v.deleted_ms IS NULL)
         ORDER BY p.created_ms, d.id`,
    ).all(userId) as DocumentRow[];
    return { folders, documents };
  }

  // ---- deleted versions (DeleteDocumentVersion, RestoreDocumentVersions) ----

  /**
   * Marks versions deleted (their rows and bytes stay, for RestoreDocumentVersions). The document
   * keeps its name: the version that is latest afterwards carries it.
   */
  deleteVersions(documentId: string, seqs: readonly number[], now: number): void {
    if (seqs.length === 0) return;
    this.db.transaction(() => {
      const mark = this.stmt(
        'UPDATE versions SET deleted_ms = ? WHERE seq = ? AND document_id = ? AND deleted_ms IS NULL',
      );
      for (const seq of seqs) mark.run(now, seq, documentId);
      this.nameLatestAfterDocument(documentId, now);
    })();
  }

  /** Brings back every deleted version of a document; returns how many. */
  restoreVersions(documentId: string, now: number): number {
    return this.db.transaction(() => {
      const { changes } = this.stmt(
        'UPDATE versions SET deleted_ms = NULL WHERE document_id = ? AND deleted_ms IS NOT NULL',
      ).run(documentId);
      if (changes > 0) this.nameLatestAfterDocument(documentId, now);
      return changes;
    })();
  }

  private nameLatestAfterDocument(documentId: string, now: number): void {
    this.stmt(
      `UPDATE versions SET name = (SELECT name FROM documents WHERE id = ?) WHERE seq =
         (SELECT seq FROM versions WHERE document_id = ? AND status = 'ACTIVE' AND deleted_ms IS NULL
            ORDER BY seq DESC LIMIT 1)`,
    ).run(documentId, documentId);
    this.stmt('UPDATE documents SET modified_ms = ? WHERE id = ?').run(now, documentId);
  }

  // ---- labels and custom metadata (on a folder, a document or a document version) ----

  /** The labels of each resource (in the order they were added); a resource without any is absent. */
  labelsOf(resourceIds: readonly string[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    if (resourceIds.length === 0) return out;
    const rows = this.db
      .prepare(
        `SELECT resource_id, label FROM labels WHERE resource_id IN (${resourceIds
          .map(() => '?')
          .join(',')}) ORDER BY created_ms, rowid`,
      )
      .all(...resourceIds) as { resource_id: string; label: string }[];
    for (const r of rows) {
      const list = out.get(r.resource_id) ?? [];
      list.push(r.label);
      out.set(r.resource_id, list);
    }
    return out;
  }

  /** Adds labels (those already there stay once); false, adding none, if more than `max` would result. */
  addLabels(resourceId: string, labels: readonly string[], max: number, now: number): boolean {
    return this.db.transaction(() => {
      const existing = new Set(this.labelsOf([resourceId]).get(resourceId) ?? []);
      const added = [...new Set(labels)].filter((l) => !existing.has(l));
      if (existing.size + added.length > max) return false;
      const insert = this.stmt(
        'INSERT INTO labels (resource_id, label, created_ms) VALUES (?, ?, ?)',
      );
      for (const label of added) insert.run(resourceId, label, now);
      return true;
    })();
  }

  removeLabels(resourceId: string, labels: readonly string[] | 'all'): void {
    if (labels === 'all') {
      this.stmt('DELETE FROM labels WHERE resource_id = ?').run(resourceId);
      return;
    }
    const remove = this.stmt('DELETE FROM labels WHERE resource_id = ? AND label = ?');
    this.db.transaction(() => {
      for (const label of labels) remove.run(resourceId, label);
    })();
  }

  /** Custom metadata of a resource (`versionId` null) or of one of a document's versions. */
  customMetadata(resourceId: string, versionId: string | null): Record<string, string> {
    const rows = this.stmt(
      'SELECT key, value FROM custom_metadata WHERE resource_id = ? AND version_id = ? ORDER BY key',
    ).all(resourceId, versionId ?? '') as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  /** Sets keys (replacing their values); false, changing nothing, if more than `max` keys would result. */
  putCustomMetadata(
    resourceId: string,
    versionId: string | null,
    entries: Record<string, string>,
    max: number,
  ): boolean {
    return this.db.transaction(() => {
      const existing = this.customMetadata(resourceId, versionId);
      const keys = new Set([...Object.keys(existing), ...Object.keys(entries)]);
      if (keys.size > max) return false;
      const upsert = this.stmt(
        `INSERT INTO custom_metadata (resource_id, version_id, key, value) VALUES (?, ?, ?, ?)
         ON CONFLICT(resource_id, version_id, key) DO UPDATE SET value = excluded.value`,
      );
      for (const [key, value] of Object.entries(entries)) {
        upsert.run(resourceId, versionId ?? '', key, value);
      }
      return true;
    })();
  }

  removeCustomMetadata(
    resourceId: string,
    versionId: string | null,
    keys: readonly string[] | 'all',
  ): void {
    if (keys === 'all') {
      this.stmt('DELETE FROM custom_metadata WHERE resource_id = ? AND version_id = ?').run(
        resourceId,
        versionId ?? '',
      );
      return;
    }
    const remove = this.stmt(
      'DELETE FROM custom_metadata WHERE resource_id = ? AND version_id = ? AND key = ?',
    );
    this.db.transaction(() => {
      for (const key of keys) remove.run(resourceId, versionId ?? '', key);
    })();
  }

  /** Removes the labels and all custom metadata (its versions' too) of a resource. */
  private deleteAnnotations(resourceId: string): void {
    this.stmt('DELETE FROM labels WHERE resource_id = ?').run(resourceId);
    this.stmt('DELETE FROM custom_metadata WHERE resource_id = ?').run(resourceId);
  }

  /** Every blob name referenced by a version (for sweeping orphans at start). */
  referencedBlobs(): Set<string> {
    const rows = this.stmt('SELECT blob FROM versions WHERE blob IS NOT NULL').all() as {
      blob: string;
    }[];
    return new Set(rows.map((r) => r.blob));
  }
}

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32);
  return `scrypt$${salt.toString('hex')}$${hash.toString('hex')}`;
}
