/**
 * The schema of WorkDocs Local, as migrations that run on start (and with `workdocs-local migrate`)
 * on SQLite and PostgreSQL alike. The rules live here, so they hold across processes and nodes:
 * names unique per folder and usernames unique (unique indexes), counters that never go negative
 * and states from a fixed set (check constraints), and references (foreign keys). The child limit
 * and the quota are enforced by conditional updates of the maintained counters (see repo.ts).
 *
 * A new migration is appended to MIGRATIONS (never edit one that has shipped). Its DDL is written
 * once: `{INT}` is a 64-bit integer, `{SEQ}` an auto-increment primary key and `{NAME}` a name
 * column ordered by its UTF-8 bytes on both engines.
 */
import { Migrator, sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { Dialect } from './database.js';

const TYPES: Record<Dialect, Record<'INT' | 'SEQ' | 'NAME', string>> = {
  sqlite: { INT: 'INTEGER', SEQ: 'INTEGER PRIMARY KEY AUTOINCREMENT', NAME: 'TEXT' },
  postgres: {
    INT: 'BIGINT',
    SEQ: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
    NAME: 'TEXT COLLATE "C"',
  },
};

const STATES = `('ACTIVE', 'RESTORING', 'RECYCLING', 'RECYCLED')`;

const INITIAL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  username_key TEXT NOT NULL,
  email TEXT,
  given_name TEXT NOT NULL,
  surname TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  root_folder_id TEXT NOT NULL,
  recycle_bin_folder_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE', 'PENDING')),
  type TEXT NOT NULL,
  time_zone_id TEXT,
  locale TEXT,
  storage_type TEXT NOT NULL CHECK (storage_type IN ('UNLIMITED', 'QUOTA')),
  storage_allocated {INT} CHECK (storage_allocated >= 0),
  storage_used {INT} NOT NULL DEFAULT 0 CHECK (storage_used >= 0),
  password_hash TEXT,
  created_ms {INT} NOT NULL,
  modified_ms {INT} NOT NULL,
  CHECK ((storage_type = 'QUOTA') = (storage_allocated IS NOT NULL))
);
CREATE UNIQUE INDEX users_username ON users (username_key);
CREATE TABLE tokens (
  hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  created_ms {INT} NOT NULL
);
CREATE TABLE folders (
  id TEXT PRIMARY KEY,
  name {NAME},
  creator_id TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  parent_id TEXT REFERENCES folders (id),
  resource_state TEXT NOT NULL CHECK (resource_state IN ${STATES}),
  child_count {INT} NOT NULL DEFAULT 0 CHECK (child_count >= 0),
  created_ms {INT} NOT NULL,
  modified_ms {INT} NOT NULL
);
CREATE UNIQUE INDEX folders_name ON folders (parent_id, name);
CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  name {NAME} NOT NULL,
  creator_id TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  parent_id TEXT NOT NULL REFERENCES folders (id),
  resource_state TEXT NOT NULL CHECK (resource_state IN ${STATES}),
  created_ms {INT} NOT NULL,
  modified_ms {INT} NOT NULL
);
CREATE UNIQUE INDEX documents_name ON documents (parent_id, name);
CREATE INDEX documents_created ON documents (parent_id, created_ms, id);
CREATE INDEX folders_created ON folders (parent_id, created_ms, id);
CREATE TABLE versions (
  seq {SEQ},
  id TEXT NOT NULL UNIQUE,
  document_id TEXT NOT NULL REFERENCES documents (id),
  name {NAME} NOT NULL,
  content_type TEXT NOT NULL,
  declared_size {INT} CHECK (declared_size >= 0),
  status TEXT NOT NULL CHECK (status IN ('INITIALIZED', 'ACTIVE')),
  signature TEXT,
  blob TEXT UNIQUE,
  blob_size {INT} CHECK (blob_size >= 0),
  creator_id TEXT NOT NULL,
  created_ms {INT} NOT NULL,
  modified_ms {INT} NOT NULL,
  content_created_ms {INT},
  content_modified_ms {INT},
  deleted_ms {INT},
  CHECK ((blob IS NULL) = (blob_size IS NULL)),
  CHECK (status = 'INITIALIZED' OR blob IS NOT NULL)
);
CREATE INDEX versions_document ON versions (document_id, status);
CREATE TABLE permissions (
  resource_id TEXT NOT NULL,
  principal_id TEXT NOT NULL REFERENCES users (id),
  role TEXT NOT NULL CHECK (role IN ('VIEWER', 'CONTRIBUTOR', 'COOWNER', 'OWNER')),
  share_id TEXT NOT NULL,
  created_ms {INT} NOT NULL,
  PRIMARY KEY (resource_id, principal_id)
);
CREATE INDEX permissions_principal ON permissions (principal_id);
CREATE TABLE labels (
  seq {SEQ},
  resource_id TEXT NOT NULL,
  label TEXT NOT NULL,
  created_ms {INT} NOT NULL,
  UNIQUE (resource_id, label)
);
CREATE TABLE custom_metadata (
  resource_id TEXT NOT NULL,
  version_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (resource_id, version_id, key)
);
CREATE TABLE pending_blobs (
  name TEXT PRIMARY KEY,
  expires_ms {INT} NOT NULL
);
CREATE INDEX pending_blobs_expiry ON pending_blobs (expires_ms);
`;

/**
 * Which documents and folders a folder listing shows, maintained with every change (repo.ts), so
 * that a page of DescribeFolderContents reads only its own rows through an index in the listing's
 * order (parent, flag, sort key, id), however many drafts (documents whose versions are all
 * INITIALIZED) or recycled items the folder holds. `present`: not RECYCLED or RECYCLING (a
 * document is then listed with Include=INITIALIZED); a document's `listable`: present and a
 * version ACTIVE and not deleted (listed by default). Folders sort by name with '' for none.
 * These indexes replace documents_created and folders_created.
 */
const LISTING = `
ALTER TABLE documents ADD COLUMN present INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0, 1));
ALTER TABLE documents ADD COLUMN listable INTEGER NOT NULL DEFAULT 0 CHECK (listable IN (0, 1));
UPDATE documents SET
  present = CASE WHEN resource_state IN ('RECYCLED', 'RECYCLING') THEN 0 ELSE 1 END,
  listable = CASE WHEN resource_state NOT IN ('RECYCLED', 'RECYCLING') AND EXISTS (
    SELECT 1 FROM versions v WHERE v.document_id = documents.id AND v.status = 'ACTIVE'
      AND v.deleted_ms IS NULL) THEN 1 ELSE 0 END;
DROP INDEX documents_created;
ALTER TABLE folders ADD COLUMN present INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0, 1));
UPDATE folders SET present = 0 WHERE resource_state IN ('RECYCLED', 'RECYCLING');
DROP INDEX folders_created;
CREATE INDEX folders_present_name ON folders (parent_id, present, (COALESCE(name, '')), id);
CREATE INDEX folders_present_created ON folders (parent_id, present, created_ms, id);
CREATE INDEX documents_listable_name ON documents (parent_id, listable, name, id);
CREATE INDEX documents_listable_created ON documents (parent_id, listable, created_ms, id);
CREATE INDEX documents_present_name ON documents (parent_id, present, name, id);
CREATE INDEX documents_present_created ON documents (parent_id, present, created_ms, id);
`;

/** Tables of the data dirs written before migrations existed (renamed away, copied, dropped). */
const LEGACY_TABLES = [
  'meta',
  'users',
  'tokens',
  'folders',
  'documents',
  'versions',
  'permissions',
  'labels',
  'custom_metadata',
];

/**
 * Copies a data dir of the unmigrated schema into the new tables, computing the maintained
 * counters; the unique indexes refuse data that broke the rules.
 */
const COPY_LEGACY = `
INSERT INTO meta SELECT key, value FROM legacy_meta;
INSERT INTO users (id, username, username_key, email, given_name, surname, organization_id,
    root_folder_id, recycle_bin_folder_id, status, type, time_zone_id, locale, storage_type,
    storage_allocated, storage_used, password_hash, created_ms, modified_ms)
  SELECT id, username, lower(username), email, given_name, surname, organization_id, root_folder_id,
    recycle_bin_folder_id, status, type, time_zone_id, locale, storage_type,
    CASE storage_type WHEN 'QUOTA' THEN COALESCE(storage_allocated, 0) END,
    (SELECT COALESCE(SUM(v.blob_size), 0) FROM legacy_versions v
       JOIN legacy_documents d ON d.id = v.document_id WHERE d.owner_id = u.id),
    password_hash, created_ms, modified_ms
  FROM legacy_users u;
INSERT INTO tokens SELECT hash, user_id, created_ms FROM legacy_tokens;
INSERT INTO folders (id, name, creator_id, owner_id, parent_id, resource_state, child_count, created_ms, modified_ms)
  WITH RECURSIVE ordered(id, depth) AS (
    SELECT id, 0 FROM legacy_folders WHERE parent_id IS NULL
    UNION ALL SELECT f.id, o.depth + 1 FROM legacy_folders f JOIN ordered o ON f.parent_id = o.id)
  SELECT f.id, f.name, f.creator_id, f.owner_id, f.parent_id, f.resource_state,
    (SELECT COUNT(*) FROM legacy_folders c WHERE c.parent_id = f.id)
      + (SELECT COUNT(*) FROM legacy_documents c WHERE c.parent_id = f.id),
    f.created_ms, f.modified_ms
  FROM legacy_folders f JOIN ordered o ON o.id = f.id ORDER BY o.depth;
INSERT INTO documents SELECT id, name, creator_id, owner_id, parent_id, resource_state, created_ms, modified_ms
  FROM legacy_documents;
INSERT INTO versions (seq, id, document_id, name, content_type, declared_size, status, signature,
    blob, blob_size, creator_id, created_ms, modified_ms, content_created_ms, content_modified_ms,
    deleted_ms)
  SELECT seq, id, document_id, name, content_type, declared_size, status, signature, blob,
    blob_size, creator_id, created_ms, modified_ms, content_created_ms, content_modified_ms,
    deleted_ms
  FROM legacy_versions;
INSERT INTO permissions SELECT resource_id, principal_id, role, share_id, created_ms FROM legacy_permissions;
INSERT INTO labels (resource_id, label, created_ms)
  SELECT resource_id, label, created_ms FROM legacy_labels ORDER BY created_ms, rowid;
INSERT INTO custom_metadata SELECT resource_id, version_id, key, value FROM legacy_custom_metadata;
`;

function statements(ddl: string, dialect: Dialect): string[] {
  const types = TYPES[dialect];
  return ddl
    .replace(/\{(INT|SEQ|NAME)\}/g, (_m, t: 'INT' | 'SEQ' | 'NAME') => types[t])
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

async function run(db: Kysely<unknown>, ddl: string, dialect: Dialect): Promise<void> {
  for (const statement of statements(ddl, dialect)) await sql.raw(statement).execute(db);
}

function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_initial': {
      async up(db) {
        await run(db, INITIAL, dialect);
        if (dialect !== 'sqlite') return;
        const legacy = await sql<{ n: number }>`
          SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'legacy_versions'`.execute(
          db,
        );
        if ((legacy.rows[0]?.n ?? 0) === 0) return;
        await run(db, COPY_LEGACY, dialect);
        for (const t of [...LEGACY_TABLES].reverse())
          await sql.raw(`DROP TABLE legacy_${t}`).execute(db);
      },
    },
    '0002_listing': {
      async up(db) {
        await run(db, LISTING, dialect);
      },
    },
  };
}

/**
 * Renames the tables of an SQLite data dir written before migrations existed, so that the first
 * migration can copy them into the new schema.
 */
export async function renameLegacyTables(db: Kysely<unknown>): Promise<void> {
  const rows = await sql<{ name: string }>`
    SELECT name FROM sqlite_master WHERE type = 'table'`.execute(db);
  const tables = new Set(rows.rows.map((r) => r.name));
  if (!tables.has('versions') || tables.has('kysely_migration')) return;
  for (const t of LEGACY_TABLES) {
    if (tables.has(t)) await sql.raw(`ALTER TABLE ${t} RENAME TO legacy_${t}`).execute(db);
  }
  // Tables and columns that the oldest data dirs lack, so that one copy fits them all.
  const columns = await sql<{ name: string }>`PRAGMA table_info(legacy_versions)`.execute(db);
  if (!columns.rows.some((c) => c.name === 'deleted_ms')) {
    await sql`ALTER TABLE legacy_versions ADD COLUMN deleted_ms INTEGER`.execute(db);
  }
  await sql`CREATE TABLE IF NOT EXISTS legacy_labels
    (resource_id TEXT, label TEXT, created_ms INTEGER)`.execute(db);
  await sql`CREATE TABLE IF NOT EXISTS legacy_custom_metadata
    (resource_id TEXT, version_id TEXT, key TEXT, value TEXT)`.execute(db);
  for (const index of [
    'folders_parent',
    'documents_parent',
    'versions_document',
    'permissions_principal',
  ]) {
    await sql.raw(`DROP INDEX IF EXISTS ${index}`).execute(db);
  }
}

/** Brings the database to the latest schema; returns the names of the migrations it applied. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  const all = migrations(dialect);
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(all) };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(
      `WorkDocs Local database migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : 'unknown error'}`,
      { cause: error },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
