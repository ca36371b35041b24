/**
 * The storage layer on its own: the rules the schema holds whoever writes (unique names, child
 * limit, quota, counters that never go negative), pending uploads and their cleanup, and the
 * migration of a data dir written before migrations existed.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryBlobStore } from '../../src/workdocs-local/storage/blobs.js';
import { ConstraintError, openStorage } from '../../src/workdocs-local/storage/database.js';
import type { Storage } from '../../src/workdocs-local/storage/database.js';
import { PendingBlobs } from '../../src/workdocs-local/storage/pending.js';
import type { Repo, UserRow } from '../../src/workdocs-local/storage/repo.js';
import { testDatabaseUrl } from '../helpers/database.js';

let dir: string;
let storage: Storage;
let user: UserRow;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wdl-storage-'));
  storage = await openStorage({
    databaseUrl: await testDatabaseUrl(),
    sqliteFile: path.join(dir, 'db.sqlite'),
  });
  user = await storage.transaction((r) =>
    r.createUser(
      'd-test',
      {
        username: `u-${path.basename(dir)}`,
        givenName: 'U',
        surname: 'Ser',
        storageType: 'QUOTA',
        storageAllocated: 100,
      },
      Date.now(),
    ),
  );
});

afterAll(async () => {
  await storage.close();
  await rm(dir, { recursive: true, force: true });
});

const newDoc = (r: Repo, parent: string, name: string) =>
  r.createDocumentWithVersion(
    {
      name,
      creator_id: user.id,
      owner_id: user.id,
      parent_id: parent,
      resource_state: 'ACTIVE',
      created_ms: 1,
      modified_ms: 1,
    },
    {
      id: `v-${name}-${Math.random()}`,
      name,
      content_type: 'text/plain',
      declared_size: null,
      status: 'INITIALIZED',
      signature: null,
      blob: null,
      blob_size: null,
      creator_id: user.id,
      created_ms: 1,
      modified_ms: 1,
      content_created_ms: null,
      content_modified_ms: null,
    },
  );

describe('rules held by the schema', () => {
  it('refuses a second document of one name in a folder (unique index), whoever writes it', async () => {
    await storage.transaction((r) => newDoc(r, user.root_folder_id, 'same.txt'));
    const second = storage.transaction((r) => newDoc(r, user.root_folder_id, 'same.txt'));
    await expect(second).rejects.toBeInstanceOf(ConstraintError);
    await expect(second).rejects.toMatchObject({ kind: 'unique', table: 'documents' });
  });

  it('refuses a second user of one username in any case', async () => {
    const again = storage.transaction((r) =>
      r.createUser(
        'd-test',
        {
          username: user.username.toUpperCase(),
          givenName: 'A',
          surname: 'B',
          storageType: 'UNLIMITED',
          storageAllocated: null,
        },
        1,
      ),
    );
    await expect(again).rejects.toMatchObject({ kind: 'unique', table: 'users' });
  });

  it('counts children against the limit and keeps the count when a transaction fails', async () => {
    const folder = await storage.transaction(async (r) => {
      const f = await r.createFolder({
        name: 'limited',
        creator_id: user.id,
        owner_id: user.id,
        parent_id: user.root_folder_id,
        resource_state: 'ACTIVE',
        created_ms: 1,
        modified_ms: 1,
      });
      return f;
    });
    expect(await storage.transaction((r) => r.reserveChild(folder.id, 2))).toBe(true);
    await expect(
      storage.transaction(async (r) => {
        await r.reserveChild(folder.id, 2);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await storage.transaction((r) => r.childCount(folder.id))).toBe(1);
    expect(await storage.transaction((r) => r.reserveChild(folder.id, 2))).toBe(true);
    expect(await storage.transaction((r) => r.reserveChild(folder.id, 2))).toBe(false);
    expect(await storage.transaction((r) => r.childCount(folder.id))).toBe(2);
  });

  it('charges storage up to the quota exactly and never below zero (check constraint)', async () => {
    expect(await storage.transaction((r) => r.chargeStorage(user.id, 60))).toBe(true);
    expect(await storage.transaction((r) => r.chargeStorage(user.id, 41))).toBe(false);
    expect(await storage.transaction((r) => r.chargeStorage(user.id, 40))).toBe(true);
    expect(await storage.transaction((r) => r.storageUtilized(user.id))).toBe(100);
    await expect(storage.transaction((r) => r.chargeStorage(user.id, -101))).rejects.toMatchObject({
      kind: 'check',
    });
    expect(await storage.transaction((r) => r.chargeStorage(user.id, -100))).toBe(true);
    expect(await storage.transaction((r) => r.storageUtilized(user.id))).toBe(0);
  });
});

describe('pending uploads', () => {
  it('cleanup removes the bytes of expired uploads only, never one whose lease is alive', async () => {
    const blobs = new DirectoryBlobStore(dir);
    const live = new PendingBlobs(storage, blobs, { leaseMs: 600_000 });
    const written = await live.receive(Readable.from([Buffer.from('in flight')]));
    // A node that died after writing: its lease runs out and nobody renews it.
    const dead = new PendingBlobs(storage, blobs, { leaseMs: 1 });
    const orphan = await dead.receive(Readable.from([Buffer.from('abandoned')]));
    await new Promise((r) => setTimeout(r, 20));
    expect(await live.cleanup()).toBe(1);
    const left = await readdir(path.join(dir, 'blobs'));
    expect(left).toContain(written.name);
    expect(left).not.toContain(orphan.name);
    // The dead node's commit is refused: its bytes may be gone.
    expect(await dead.commit({ documentId: 'x', versionId: 'y', written: orphan, now: 1 })).toEqual(
      { ok: false, reason: 'expired' },
    );
    await live.discard(written.name);
    expect(await readdir(path.join(dir, 'blobs'))).not.toContain(written.name);
  });
});

describe('migration of a data dir written before migrations', () => {
  it('keeps users, tokens, folders, documents and versions, and computes the counters', async () => {
    if ((await testDatabaseUrl()) !== undefined) return; // SQLite data dirs only
    const legacyDir = await mkdtemp(path.join(os.tmpdir(), 'wdl-legacy-'));
    const file = path.join(legacyDir, 'db.sqlite');
    const db = new BetterSqlite3(file);
    db.exec(LEGACY_SCHEMA);
    db.exec(`
      INSERT INTO meta VALUES ('organization_id', 'd-legacy');
      INSERT INTO users VALUES ('u1', 'Alice', NULL, 'A', 'L', 'd-legacy', 'root1', 'bin1', 'ACTIVE',
        'USER', NULL, 'default', 'QUOTA', 1000, NULL, 1, 1);
      INSERT INTO tokens VALUES ('h1', 'u1', 1);
      INSERT INTO folders VALUES ('root1', NULL, 'u1', 'u1', NULL, 'ACTIVE', 1, 1);
      INSERT INTO folders VALUES ('bin1', 'Recycle bin', 'u1', 'u1', NULL, 'ACTIVE', 1, 1);
      INSERT INTO folders VALUES ('sub', 'Sub', 'u1', 'u1', 'root1', 'ACTIVE', 1, 1);
      INSERT INTO documents VALUES ('doc1', 'a.txt', 'u1', 'u1', 'root1', 'ACTIVE', 1, 1);
      INSERT INTO documents VALUES ('draft', 'b.txt', 'u1', 'u1', 'root1', 'ACTIVE', 1, 1);
      INSERT INTO documents VALUES ('binned', 'c.txt', 'u1', 'u1', 'root1', 'RECYCLED', 1, 1);
      INSERT INTO versions (id, document_id, name, content_type, declared_size, status, signature,
        blob, blob_size, creator_id, created_ms, modified_ms) VALUES
        ('v1', 'doc1', 'a.txt', 'text/plain', 5, 'ACTIVE', 'sig',
         '00000000-0000-4000-8000-000000000001', 5, 'u1', 1, 1),
        ('v2', 'doc1', 'a.txt', 'text/plain', NULL, 'INITIALIZED', NULL,
         '00000000-0000-4000-8000-000000000002', 7, 'u1', 2, 2),
        ('v3', 'draft', 'b.txt', 'text/plain', NULL, 'INITIALIZED', NULL, NULL, NULL, 'u1', 3, 3),
        ('v4', 'binned', 'c.txt', 'text/plain', 1, 'ACTIVE', 'sig',
         '00000000-0000-4000-8000-000000000004', 1, 'u1', 4, 4);
    `);
    db.close();
    const migrated = await openStorage({ sqliteFile: file });
    try {
      expect(migrated.migrationsApplied).toEqual(['0001_initial', '0002_listing']);
      await migrated.transaction(async (r) => {
        const alice = await r.getUserByUsername('alice');
        expect(alice).toMatchObject({ id: 'u1', storage_used: 13, storage_allocated: 1000 });
        expect(await r.childCount('root1')).toBe(4);
        // The listing flags are computed for the documents there were: the draft is listed only
        // with Include=INITIALIZED, the recycled document never.
        const listed = async (includeInitialized: boolean) =>
          (
            await r.listFolderContents({
              folderId: 'root1',
              type: 'DOCUMENT',
              sort: 'NAME',
              descending: false,
              includeInitialized,
              after: undefined,
              limit: 10,
            })
          ).documents.map((d) => d.document.id);
        expect(await listed(false)).toEqual(['doc1']);
        expect(await listed(true)).toEqual(['doc1', 'draft']);
        expect((await r.versions('doc1')).map((v) => v.id)).toEqual(['v2', 'v1']);
        expect(await r.getMeta('organization_id')).toBe('d-legacy');
      });
    } finally {
      await migrated.close();
    }
    const again = await openStorage({ sqliteFile: file });
    expect(again.migrationsApplied).toEqual([]);
    await again.close();
    await rm(legacyDir, { recursive: true, force: true });
  });
});

/** The schema WorkDocs Local created before migrations existed. */
const LEGACY_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE COLLATE NOCASE, email TEXT,
  given_name TEXT NOT NULL, surname TEXT NOT NULL, organization_id TEXT NOT NULL,
  root_folder_id TEXT NOT NULL, recycle_bin_folder_id TEXT NOT NULL, status TEXT NOT NULL,
  type TEXT NOT NULL, time_zone_id TEXT, locale TEXT, storage_type TEXT NOT NULL,
  storage_allocated INTEGER, password_hash TEXT, created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
  created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS folders (id TEXT PRIMARY KEY, name TEXT, creator_id TEXT NOT NULL,
  owner_id TEXT NOT NULL, parent_id TEXT, resource_state TEXT NOT NULL, created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS folders_parent ON folders(parent_id);
CREATE TABLE IF NOT EXISTS documents (id TEXT PRIMARY KEY, name TEXT NOT NULL,
  creator_id TEXT NOT NULL, owner_id TEXT NOT NULL, parent_id TEXT NOT NULL,
  resource_state TEXT NOT NULL, created_ms INTEGER NOT NULL, modified_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS documents_parent ON documents(parent_id);
CREATE TABLE IF NOT EXISTS versions (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  document_id TEXT NOT NULL, name TEXT NOT NULL, content_type TEXT NOT NULL, declared_size INTEGER,
  status TEXT NOT NULL, signature TEXT, blob TEXT, blob_size INTEGER, creator_id TEXT NOT NULL,
  created_ms INTEGER NOT NULL, modified_ms INTEGER NOT NULL, content_created_ms INTEGER,
  content_modified_ms INTEGER);
CREATE INDEX IF NOT EXISTS versions_document ON versions(document_id);
CREATE TABLE IF NOT EXISTS permissions (resource_id TEXT NOT NULL, principal_id TEXT NOT NULL,
  role TEXT NOT NULL, share_id TEXT NOT NULL, created_ms INTEGER NOT NULL,
  PRIMARY KEY (resource_id, principal_id));
CREATE INDEX IF NOT EXISTS permissions_principal ON permissions(principal_id);
`;
