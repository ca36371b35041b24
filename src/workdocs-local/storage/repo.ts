/**
 * Every query of WorkDocs Local, written once in Kysely for SQLite and PostgreSQL. A Repo lives
 * for one transaction (Storage.transaction); operations reach the database only through it.
 *
 * How the rules hold with several writers (PostgreSQL nodes; on SQLite transactions are serialised
 * anyway):
 * - names unique per folder, unique usernames: unique indexes (a losing insert or rename fails
 *   with ConstraintError 'unique');
 * - the child limit: `child_count` of the parent is raised by a conditional UPDATE
 *   (`… WHERE child_count < limit`), which locks the parent row until commit;
 * - the quota: `storage_used` of the owner is raised by a conditional UPDATE when bytes are
 *   committed (`… WHERE storage_used + n <= storage_allocated`);
 * - moves: the owner's user row is locked first, so two moves cannot make a cycle together;
 * - a version changes state under a row lock (`FOR UPDATE`), read before it is changed.
 */
import { createHash, randomBytes, scryptSync } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely, RawBuilder, SelectQueryBuilder } from 'kysely';
import type { Dialect } from './database.js';
import type {
  Database,
  DocumentRow,
  FolderRow,
  NewVersion,
  PermissionRow,
  UserRow,
  VersionRow,
} from './schema.js';

export type { DocumentRow, FolderRow, PermissionRow, UserRow, VersionRow } from './schema.js';

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

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32);
  return `scrypt$${salt.toString('hex')}$${hash.toString('hex')}`;
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

export type UserChanges = Partial<
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
>;

/** Where a page of folder contents starts: after this item of the listing's order. */
export interface ListingKey {
  kind: 'folder' | 'document';
  key: string | number;
  id: string;
}

export interface ListingQuery {
  folderId: string;
  type: 'ALL' | 'FOLDER' | 'DOCUMENT';
  sort: 'NAME' | 'DATE';
  descending: boolean;
  /** Documents without an ACTIVE version too. */
  includeInitialized: boolean;
  after: ListingKey | undefined;
  limit: number;
}

export interface ListingPage {
  folders: FolderRow[];
  documents: { document: DocumentRow; latest: VersionRow | undefined }[];
  /** The last item returned, when more follow. */
  next: ListingKey | undefined;
}

const RECYCLED = ['RECYCLED', 'RECYCLING'];

/** Thrown by a commit that cannot go ahead; the transaction is rolled back. */
export type CommitRefusal = 'expired' | 'gone' | 'state' | 'quota';

export class Repo {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    /** Epoch ms by the database's clock. */
    private readonly dbNow: RawBuilder<number>,
  ) {}

  /** Adds FOR UPDATE on PostgreSQL (SQLite transactions already hold the write lock). */
  private locked<O>(
    q: SelectQueryBuilder<Database, keyof Database, O>,
  ): SelectQueryBuilder<Database, keyof Database, O> {
    return this.dialect === 'postgres' ? q.forUpdate() : q;
  }

  // ---- meta ----

  async getMeta(key: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('meta')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('meta')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  /** The stored value of `key`; if absent, `make()` is stored (the first node to do so wins). */
  async metaOrInit(key: string, make: () => string): Promise<string> {
    await this.db
      .insertInto('meta')
      .values({ key, value: make() })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const value = await this.getMeta(key);
    if (value === undefined) throw new Error(`meta ${key} missing`);
    return value;
  }

  // ---- users and tokens ----

  async createUser(organizationId: string, u: NewUser, now: number): Promise<UserRow> {
    const id = `${u.username.replace(/[^\w+.@-]/g, '_').slice(0, 64)}-${randomBytes(8).toString('hex')}`;
    const rootId = newId();
    const binId = newId();
    await this.db
      .insertInto('users')
      .values({
        id,
        username: u.username,
        username_key: u.username.toLowerCase(),
        email: u.email ?? null,
        given_name: u.givenName,
        surname: u.surname,
        organization_id: organizationId,
        root_folder_id: rootId,
        recycle_bin_folder_id: binId,
        status: 'ACTIVE',
        type: u.type ?? 'USER',
        time_zone_id: u.timeZoneId ?? null,
        locale: 'default',
        storage_type: u.storageType,
        storage_allocated: u.storageType === 'QUOTA' ? (u.storageAllocated ?? 0) : null,
        storage_used: 0,
        password_hash: u.password !== undefined ? hashPassword(u.password) : null,
        created_ms: now,
        modified_ms: now,
      })
      .execute();
    const folder = (fid: string, name: string | null) => ({
      id: fid,
      name,
      creator_id: id,
      owner_id: id,
      parent_id: null,
      resource_state: 'ACTIVE',
      child_count: 0,
      created_ms: now,
      modified_ms: now,
      present: 1,
    });
    await this.db
      .insertInto('folders')
      .values([folder(rootId, null), folder(binId, 'Recycle bin')])
      .execute();
    const user = await this.getUser(id);
    if (!user) throw new Error('user insert failed');
    return user;
  }

  async getUser(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async getUserByUsername(username: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('username_key', '=', username.toLowerCase())
      .executeTakeFirst();
  }

  /** A user by id or username. */
  async findUser(idOrUsername: string): Promise<UserRow | undefined> {
    return (await this.getUser(idOrUsername)) ?? this.getUserByUsername(idOrUsername);
  }

  async listUsers(organizationId: string): Promise<UserRow[]> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .orderBy('username_key')
      .orderBy('id')
      .execute();
  }

  async setQuota(userId: string, bytes: number | null, now: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set({
        storage_type: bytes === null ? 'UNLIMITED' : 'QUOTA',
        storage_allocated: bytes,
        modified_ms: now,
      })
      .where('id', '=', userId)
      .execute();
  }

  async updateUser(id: string, changes: UserChanges, now: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ ...changes, modified_ms: now })
      .where('id', '=', id)
      .execute();
  }

  async addToken(userId: string, token: string, now: number): Promise<void> {
    await this.db
      .insertInto('tokens')
      .values({ hash: hashToken(token), user_id: userId, created_ms: now })
      .onConflict((oc) => oc.column('hash').doNothing())
      .execute();
  }

  async userForToken(token: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('tokens')
      .innerJoin('users', 'users.id', 'tokens.user_id')
      .selectAll('users')
      .where('tokens.hash', '=', hashToken(token))
      .executeTakeFirst();
  }

  /** Bytes of the user's documents (the maintained counter). */
  async storageUtilized(userId: string): Promise<number> {
    return (await this.getUser(userId))?.storage_used ?? 0;
  }

  // ---- folders ----

  async getFolder(id: string): Promise<FolderRow | undefined> {
    return this.db.selectFrom('folders').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async getFolders(ids: readonly string[]): Promise<FolderRow[]> {
    if (ids.length === 0) return [];
    return this.db.selectFrom('folders').selectAll().where('id', 'in', ids).execute();
  }

  /**
   * Counts a new child of `parentId` against `limit`, holding the parent's row until commit.
   * Returns false (nothing changed) if the folder is full.
   */
  async reserveChild(parentId: string, limit: number): Promise<boolean> {
    const r = await this.db
      .updateTable('folders')
      .set((eb) => ({ child_count: eb('child_count', '+', 1) }))
      .where('id', '=', parentId)
      .where('child_count', '<', limit)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  private async releaseChild(parentId: string): Promise<void> {
    await this.db
      .updateTable('folders')
      .set((eb) => ({ child_count: eb('child_count', '-', 1) }))
      .where('id', '=', parentId)
      .execute();
  }

  /** Inserts a folder; the caller has reserved its place (reserveChild). */
  async createFolder(f: Omit<FolderRow, 'id' | 'child_count' | 'present'>): Promise<FolderRow> {
    const row: FolderRow = {
      id: newId(),
      ...f,
      child_count: 0,
      present: RECYCLED.includes(f.resource_state) ? 0 : 1,
    };
    await this.db.insertInto('folders').values(row).execute();
    return row;
  }

  async setFolderState(id: string, state: string, now: number): Promise<void> {
    await this.db
      .updateTable('folders')
      .set({ resource_state: state, present: RECYCLED.includes(state) ? 0 : 1, modified_ms: now })
      .where('id', '=', id)
      .execute();
  }

  async childCount(parentId: string): Promise<number> {
    return (await this.getFolder(parentId))?.child_count ?? 0;
  }

  async folderNameTaken(parentId: string, name: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('folders')
      .select('id')
      .where('parent_id', '=', parentId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row !== undefined;
  }

  async documentNameTaken(parentId: string, name: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('documents')
      .select('id')
      .where('parent_id', '=', parentId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * One page of a folder's contents: folders first, then documents, each ordered by the sort key
   * then id, starting after `after`. Reads at most `limit + 1` rows of each kind and the latest
   * versions of the page's documents in one more query.
   */
  async listFolderContents(q: ListingQuery): Promise<ListingPage> {
    const cmp = q.descending ? '<' : '>';
    const dir = q.descending ? 'desc' : 'asc';
    const page: ListingPage = { folders: [], documents: [], next: undefined };
    let remaining = q.limit;
    const wantFolders =
      q.type !== 'DOCUMENT' && (q.after === undefined || q.after.kind === 'folder');
    if (wantFolders) {
      // An index in this order (folders_present_name/_created: the expression is written alike).
      let fq = this.db
        .selectFrom('folders')
        .selectAll()
        .where('parent_id', '=', q.folderId)
        .where('present', '=', 1);
      const keyCol =
        q.sort === 'DATE' ? sql.ref<number>('created_ms') : sql<string>`COALESCE(name, '')`;
      if (q.after !== undefined) {
        const after = q.after;
        // Not a row comparison: SQLite reads an expression's range from the index only this way.
        fq = fq.where((eb) =>
          eb.and([
            eb(keyCol, `${cmp}=`, after.key),
            eb.or([eb(keyCol, cmp, after.key), eb('id', cmp, after.id)]),
          ]),
        );
      }
      const rows = await fq
        .orderBy(keyCol, dir)
        .orderBy('id', dir)
        .limit(remaining + 1)
        .execute();
      if (rows.length > remaining) {
        page.folders = rows.slice(0, remaining);
        page.next = this.folderKey(page.folders[page.folders.length - 1], q.sort);
        return page;
      }
      page.folders = rows;
      remaining -= rows.length;
    }
    if (q.type === 'FOLDER') return page;
    // The maintained flags (refreshListing) with an index in this order for each: a page reads
    // its own rows, however many drafts or recycled documents the folder holds.
    let dq = this.db
      .selectFrom('documents as d')
      .selectAll('d')
      .where('d.parent_id', '=', q.folderId)
      .where(q.includeInitialized ? 'd.present' : 'd.listable', '=', 1);
    const keyCol = q.sort === 'DATE' ? sql.ref<number>('d.created_ms') : sql.ref<string>('d.name');
    if (q.after?.kind === 'document') {
      const after = q.after;
      dq = dq.where((eb) =>
        eb(eb.tuple(keyCol, eb.ref('d.id')), cmp, eb.tuple(after.key, after.id)),
      );
    }
    const rows = await dq
      .orderBy(keyCol, dir)
      .orderBy('d.id', dir)
      .limit(remaining + 1)
      .execute();
    if (remaining === 0) {
      // The page is full of folders; documents follow if there is any.
      if (rows.length > 0)
        page.next = this.folderKey(page.folders[page.folders.length - 1], q.sort);
      return page;
    }
    const docs = rows.slice(0, remaining);
    const latest = await this.latestVersions(docs.map((d) => d.id));
    page.documents = docs.map((document) => ({ document, latest: latest.get(document.id) }));
    if (rows.length > remaining) {
      const last = docs[docs.length - 1];
      if (last) {
        page.next = {
          kind: 'document',
          key: q.sort === 'DATE' ? last.created_ms : last.name,
          id: last.id,
        };
      }
    }
    return page;
  }

  private folderKey(f: FolderRow | undefined, sort: 'NAME' | 'DATE'): ListingKey | undefined {
    if (!f) return undefined;
    return { kind: 'folder', key: sort === 'DATE' ? f.created_ms : (f.name ?? ''), id: f.id };
  }

  // ---- documents and versions ----

  async getDocument(id: string): Promise<DocumentRow | undefined> {
    return this.db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async getVersion(documentId: string, versionId: string): Promise<VersionRow | undefined> {
    return this.db
      .selectFrom('versions')
      .selectAll()
      .where('document_id', '=', documentId)
      .where('id', '=', versionId)
      .where('deleted_ms', 'is', null)
      .executeTakeFirst();
  }

  async versions(documentId: string): Promise<VersionRow[]> {
    return this.db
      .selectFrom('versions')
      .selectAll()
      .where('document_id', '=', documentId)
      .where('deleted_ms', 'is', null)
      .orderBy('seq', 'desc')
      .execute();
  }

  /** The latest ACTIVE version, or the newest version if none is active yet. */
  async latestVersion(documentId: string): Promise<VersionRow | undefined> {
    return (await this.latestVersions([documentId])).get(documentId);
  }

  /** latestVersion of each document, in one query. */
  async latestVersions(documentIds: readonly string[]): Promise<Map<string, VersionRow>> {
    const out = new Map<string, VersionRow>();
    if (documentIds.length === 0) return out;
    const rows = await this.db
      .selectFrom((eb) =>
        eb
          .selectFrom('versions')
          .selectAll()
          .select(
            sql<number>`ROW_NUMBER() OVER (PARTITION BY document_id
              ORDER BY CASE status WHEN 'ACTIVE' THEN 0 ELSE 1 END, seq DESC)`.as('rank'),
          )
          .where('document_id', 'in', documentIds)
          .where('deleted_ms', 'is', null)
          .as('ranked'),
      )
      .selectAll()
      .where('rank', '=', 1)
      .execute();
    for (const v of rows) out.set(v.document_id, v);
    return out;
  }

  /** Inserts a document and its first version; the caller has reserved its place (reserveChild). */
  async createDocumentWithVersion(
    doc: Omit<DocumentRow, 'id' | 'present' | 'listable'>,
    version: NewVersion,
  ): Promise<{ document: DocumentRow; version: VersionRow }> {
    const document: DocumentRow = {
      id: newId(),
      ...doc,
      present: RECYCLED.includes(doc.resource_state) ? 0 : 1,
      listable: 0,
    };
    await this.db.insertInto('documents').values(document).execute();
    const created = await this.addVersion(document.id, version);
    if (created.status === 'ACTIVE') document.listable = document.present;
    return { document, version: created };
  }

  async addVersion(documentId: string, version: NewVersion): Promise<VersionRow> {
    await this.db
      .insertInto('versions')
      .values({ ...version, document_id: documentId })
      .execute();
    const v = await this.getVersion(documentId, version.id);
    if (!v) throw new Error('version insert failed');
    if (v.status === 'ACTIVE') await this.refreshListing(documentId);
    return v;
  }

  /**
   * Recomputes a document's listing flags (`present`, `listable`: see DocumentsTable) after its
   * state or its versions changed; every such change calls it (or sets them itself) in the same
   * transaction.
   */
  private async refreshListing(documentId: string): Promise<void> {
    await this.db
      .updateTable('documents')
      .set({
        present: sql<number>`CASE WHEN resource_state IN ('RECYCLED', 'RECYCLING') THEN 0 ELSE 1 END`,
        listable: sql<number>`CASE WHEN resource_state NOT IN ('RECYCLED', 'RECYCLING') AND EXISTS (
          SELECT 1 FROM versions v WHERE v.document_id = documents.id AND v.status = 'ACTIVE'
            AND v.deleted_ms IS NULL) THEN 1 ELSE 0 END`,
      })
      .where('id', '=', documentId)
      .execute();
  }

  /** The version, locked until commit on PostgreSQL. */
  async lockVersion(documentId: string, versionId: string): Promise<VersionRow | undefined> {
    return this.locked(
      this.db
        .selectFrom('versions')
        .selectAll()
        .where('document_id', '=', documentId)
        .where('id', '=', versionId)
        .where('deleted_ms', 'is', null),
    ).executeTakeFirst();
  }

  /**
   * Raises the owner's used storage by `delta` bytes unless that passes their quota; false (and
   * nothing changed) if it would. A negative delta always succeeds.
   */
  async chargeStorage(ownerId: string, delta: number): Promise<boolean> {
    let q = this.db
      .updateTable('users')
      .set((eb) => ({ storage_used: eb('storage_used', '+', delta) }))
      .where('id', '=', ownerId);
    if (delta > 0) {
      q = q.where((eb) =>
        eb.or([
          eb('storage_type', '<>', 'QUOTA'),
          eb(eb('storage_used', '+', delta), '<=', eb.ref('storage_allocated')),
        ]),
      );
    }
    const r = await q.executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  private async dischargeStorage(byOwner: Map<string, number>): Promise<void> {
    for (const [owner, bytes] of byOwner) {
      if (bytes > 0) await this.chargeStorage(owner, -bytes);
    }
  }

  async activateVersion(
    seq: number,
    documentId: string,
    name: string,
    now: number,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('versions')
      .set({ status: 'ACTIVE', modified_ms: now })
      .where('seq', '=', seq)
      .where('status', '=', 'INITIALIZED')
      .where('blob', 'is not', null)
      .executeTakeFirst();
    if (r.numUpdatedRows === 0n) return false;
    // An ACTIVE version makes a present document listable.
    await this.db
      .updateTable('documents')
      .set((eb) => ({ name, modified_ms: now, listable: eb.ref('present') }))
      .where('id', '=', documentId)
      .execute();
    return true;
  }

  /**
   * Deletes a version (and its document if it was the only one); its bytes are let go (returned,
   * to delete after commit). Returns the blobs and whether the document went.
   */
  async deleteVersion(
    seq: number,
    documentId: string,
  ): Promise<{ blobs: string[]; documentGone: boolean }> {
    const v = await this.db
      .selectFrom('versions')
      .selectAll()
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (!v) return { blobs: [], documentGone: false };
    const doc = await this.getDocument(documentId);
    await this.db.deleteFrom('versions').where('seq', '=', seq).execute();
    await this.db
      .deleteFrom('custom_metadata')
      .where('resource_id', '=', documentId)
      .where('version_id', '=', v.id)
      .execute();
    const blobs = v.blob === null ? [] : [v.blob];
    if (doc && v.blob_size !== null)
      await this.dischargeStorage(new Map([[doc.owner_id, v.blob_size]]));
    await this.letGo(blobs);
    const left = await this.db
      .selectFrom('versions')
      .select('seq')
      .where('document_id', '=', documentId)
      .executeTakeFirst();
    if (left === undefined && doc) {
      await this.db.deleteFrom('permissions').where('resource_id', '=', documentId).execute();
      await this.deleteAnnotations([documentId]);
      await this.db.deleteFrom('documents').where('id', '=', documentId).execute();
      await this.releaseChild(doc.parent_id);
      return { blobs, documentGone: true };
    }
    await this.refreshListing(documentId);
    return { blobs, documentGone: false };
  }

  async updateFolder(
    id: string,
    changes: {
      name?: string | undefined;
      parent_id?: string | null | undefined;
      resource_state?: string | undefined;
    },
    now: number,
  ): Promise<void> {
    const f = await this.getFolder(id);
    if (!f) return;
    const parent = changes.parent_id ?? f.parent_id;
    const state = changes.resource_state ?? f.resource_state;
    await this.db
      .updateTable('folders')
      .set({
        name: changes.name ?? f.name,
        parent_id: parent,
        resource_state: state,
        present: RECYCLED.includes(state) ? 0 : 1,
        modified_ms: now,
      })
      .where('id', '=', id)
      .execute();
    if (parent !== f.parent_id && f.parent_id !== null) await this.releaseChild(f.parent_id);
  }

  async updateDocument(
    id: string,
    changes: {
      name?: string | undefined;
      parent_id?: string | undefined;
      resource_state?: string | undefined;
    },
    now: number,
  ): Promise<void> {
    const d = await this.getDocument(id);
    if (!d) return;
    const parent = changes.parent_id ?? d.parent_id;
    await this.db
      .updateTable('documents')
      .set({
        name: changes.name ?? d.name,
        parent_id: parent,
        resource_state: changes.resource_state ?? d.resource_state,
        modified_ms: now,
      })
      .where('id', '=', id)
      .execute();
    if (parent !== d.parent_id) await this.releaseChild(d.parent_id);
    if (changes.resource_state !== undefined) await this.refreshListing(id);
    if (changes.name !== undefined) {
      const latest = await this.latestVersion(id);
      if (latest) {
        await this.db
          .updateTable('versions')
          .set({ name: changes.name, modified_ms: now })
          .where('seq', '=', latest.seq)
          .execute();
      }
    }
  }

  /** Holds the user's row until commit (PostgreSQL): serialises that user's moves. */
  async lockUser(userId: string): Promise<void> {
    await this.locked(this.db.selectFrom('users').select('id').where('id', '=', userId)).execute();
  }

  /** Whether `folderId` is `ancestorId` or lies below it. */
  async isWithin(folderId: string, ancestorId: string): Promise<boolean> {
    return (await this.folderChain(folderId)).includes(ancestorId);
  }

  /** Permanently deletes a document and its versions; returns the blobs let go. */
  async deleteDocument(id: string): Promise<string[]> {
    const doc = await this.getDocument(id);
    if (!doc) return [];
    const versions = await this.db
      .selectFrom('versions')
      .select(['blob', 'blob_size'])
      .where('document_id', '=', id)
      .execute();
    await this.db.deleteFrom('versions').where('document_id', '=', id).execute();
    await this.db.deleteFrom('permissions').where('resource_id', '=', id).execute();
    await this.deleteAnnotations([id]);
    await this.db.deleteFrom('documents').where('id', '=', id).execute();
    await this.releaseChild(doc.parent_id);
    const bytes = versions.reduce((n, v) => n + (v.blob_size ?? 0), 0);
    await this.dischargeStorage(new Map([[doc.owner_id, bytes]]));
    const blobs = versions.flatMap((v) => (v.blob === null ? [] : [v.blob]));
    await this.letGo(blobs);
    return blobs;
  }

  /** Permanently deletes a folder and everything below it; returns the blobs let go. */
  async deleteFolderTree(id: string): Promise<string[]> {
    const root = await this.getFolder(id);
    if (!root) return [];
    const folderIds = [id];
    for (let i = 0; i < folderIds.length; i += 500) {
      const children = await this.db
        .selectFrom('folders')
        .select('id')
        .where('parent_id', 'in', folderIds.slice(i, i + 500))
        .execute();
      folderIds.push(...children.map((c) => c.id));
    }
    const blobs: string[] = [];
    const bytes = new Map<string, number>();
    for (let i = 0; i < folderIds.length; i += 500) {
      const chunk = folderIds.slice(i, i + 500);
      const docs = this.db.selectFrom('documents').select('id').where('parent_id', 'in', chunk);
      const versions = await this.db
        .selectFrom('versions as v')
        .innerJoin('documents as d', 'd.id', 'v.document_id')
        .select(['v.blob', 'v.blob_size', 'd.owner_id'])
        .where('d.parent_id', 'in', chunk)
        .execute();
      for (const v of versions) {
        if (v.blob !== null) blobs.push(v.blob);
        bytes.set(v.owner_id, (bytes.get(v.owner_id) ?? 0) + (v.blob_size ?? 0));
      }
      await this.db.deleteFrom('versions').where('document_id', 'in', docs).execute();
      for (const table of ['permissions', 'labels', 'custom_metadata'] as const) {
        await this.db
          .deleteFrom(table)
          .where((eb) => eb.or([eb('resource_id', 'in', chunk), eb('resource_id', 'in', docs)]))
          .execute();
      }
      await this.db.deleteFrom('documents').where('parent_id', 'in', chunk).execute();
    }
    // Deepest first, so no folder outlives its parent within the statement order.
    for (let i = folderIds.length; i > 0; i -= 500) {
      await this.db
        .deleteFrom('folders')
        .where('id', 'in', folderIds.slice(Math.max(0, i - 500), i))
        .execute();
    }
    if (root.parent_id !== null) await this.releaseChild(root.parent_id);
    await this.dischargeStorage(bytes);
    await this.letGo(blobs);
    return blobs;
  }

  // ---- sharing ----

  /** The folder and the folders above it, nearest first. */
  async folderChain(folderId: string): Promise<string[]> {
    const rows = await sql<{ id: string }>`
      WITH RECURSIVE up(id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM folders WHERE id = ${folderId}
        UNION ALL SELECT f.id, f.parent_id, up.depth + 1 FROM folders f JOIN up ON f.id = up.parent_id
          WHERE up.depth < 1000)
      SELECT id FROM up ORDER BY depth`.execute(this.db);
    return rows.rows.map((r) => r.id);
  }

  /** The roles a user was given on any of these resources. */
  async rolesOn(userId: string, resourceIds: string[]): Promise<string[]> {
    if (resourceIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('permissions')
      .select('role')
      .where('principal_id', '=', userId)
      .where('resource_id', 'in', resourceIds)
      .execute();
    return rows.map((r) => r.role);
  }

  async setPermission(
    resourceId: string,
    principalId: string,
    role: string,
    now: number,
  ): Promise<string> {
    await this.db
      .insertInto('permissions')
      .values({
        resource_id: resourceId,
        principal_id: principalId,
        role,
        share_id: newId(),
        created_ms: now,
      })
      .onConflict((oc) => oc.columns(['resource_id', 'principal_id']).doUpdateSet({ role }))
      .execute();
    const row = await this.db
      .selectFrom('permissions')
      .select('share_id')
      .where('resource_id', '=', resourceId)
      .where('principal_id', '=', principalId)
      .executeTakeFirstOrThrow();
    return row.share_id;
  }

  async permissionsOn(resourceId: string): Promise<PermissionRow[]> {
    return this.db
      .selectFrom('permissions')
      .selectAll()
      .where('resource_id', '=', resourceId)
      .orderBy('created_ms')
      .orderBy('principal_id')
      .execute();
  }

  async removePermission(resourceId: string, principalId: string): Promise<void> {
    await this.db
      .deleteFrom('permissions')
      .where('resource_id', '=', resourceId)
      .where('principal_id', '=', principalId)
      .execute();
  }

  async removeAllPermissions(resourceId: string): Promise<void> {
    await this.db.deleteFrom('permissions').where('resource_id', '=', resourceId).execute();
  }

  /**
   * Permanently deletes what a folder shows (its subfolders with everything below them, and its
   * documents), not what of it is in the recycle bin; returns the blobs let go.
   */
  async deleteFolderContents(folderId: string): Promise<string[]> {
    const folders = await this.db
      .selectFrom('folders')
      .select('id')
      .where('parent_id', '=', folderId)
      .where('resource_state', 'not in', RECYCLED)
      .execute();
    const documents = await this.db
      .selectFrom('documents')
      .select('id')
      .where('parent_id', '=', folderId)
      .where('resource_state', 'not in', RECYCLED)
      .execute();
    return this.deleteEach(folders, documents);
  }

  /** Permanently deletes every recycled folder and document of a user; returns the blobs let go. */
  async emptyRecycleBin(ownerId: string): Promise<string[]> {
    const folders = await this.db
      .selectFrom('folders')
      .select('id')
      .where('owner_id', '=', ownerId)
      .where('resource_state', 'in', RECYCLED)
      .execute();
    const documents = await this.db
      .selectFrom('documents')
      .select('id')
      .where('owner_id', '=', ownerId)
      .where('resource_state', 'in', RECYCLED)
      .execute();
    return this.deleteEach(folders, documents);
  }

  private async deleteEach(
    folders: { id: string }[],
    documents: { id: string }[],
  ): Promise<string[]> {
    const blobs: string[] = [];
    for (const f of folders) blobs.push(...(await this.deleteFolderTree(f.id)));
    // A document below a folder deleted above is gone already: deleting it again finds nothing.
    for (const d of documents) blobs.push(...(await this.deleteDocument(d.id)));
    return blobs;
  }

  // ---- resources shared with a user (GetResources) ----

  /**
   * The ACTIVE folders and documents shared directly with `userId` (not those below a shared
   * folder), oldest share first; documents only once a version is ACTIVE.
   */
  async sharedWith(userId: string): Promise<{ folders: FolderRow[]; documents: DocumentRow[] }> {
    const folders = await this.db
      .selectFrom('permissions as p')
      .innerJoin('folders as f', 'f.id', 'p.resource_id')
      .selectAll('f')
      .where('p.principal_id', '=', userId)
      .where('f.resource_state', '=', 'ACTIVE')
      .orderBy('p.created_ms')
      .orderBy('f.id')
      .execute();
    const documents = await this.db
      .selectFrom('permissions as p')
      .innerJoin('documents as d', 'd.id', 'p.resource_id')
      .selectAll('d')
      .where('p.principal_id', '=', userId)
      .where('d.resource_state', '=', 'ACTIVE')
      .where('d.listable', '=', 1)
      .orderBy('p.created_ms')
      .orderBy('d.id')
      .execute();
    return { folders, documents };
  }

  // ---- deleted versions (DeleteDocumentVersion, RestoreDocumentVersions) ----

  /**
   * Marks versions deleted (their rows and bytes stay, for RestoreDocumentVersions, and stay
   * counted in the owner's storage). The document keeps its name: the version that is latest
   * afterwards carries it.
   */
  async deleteVersions(documentId: string, seqs: readonly number[], now: number): Promise<void> {
    if (seqs.length === 0) return;
    await this.db
      .updateTable('versions')
      .set({ deleted_ms: now })
      .where('document_id', '=', documentId)
      .where('seq', 'in', seqs)
      .where('deleted_ms', 'is', null)
      .execute();
    await this.nameLatestAfterDocument(documentId, now);
  }

  /** Brings back every deleted version of a document; returns how many. */
  async restoreVersions(documentId: string, now: number): Promise<number> {
    const r = await this.db
      .updateTable('versions')
      .set({ deleted_ms: null })
      .where('document_id', '=', documentId)
      .where('deleted_ms', 'is not', null)
      .executeTakeFirst();
    const n = Number(r.numUpdatedRows);
    if (n > 0) await this.nameLatestAfterDocument(documentId, now);
    return n;
  }

  private async nameLatestAfterDocument(documentId: string, now: number): Promise<void> {
    const doc = await this.getDocument(documentId);
    const latest = await this.db
      .selectFrom('versions')
      .select('seq')
      .where('document_id', '=', documentId)
      .where('status', '=', 'ACTIVE')
      .where('deleted_ms', 'is', null)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (doc && latest) {
      await this.db
        .updateTable('versions')
        .set({ name: doc.name })
        .where('seq', '=', latest.seq)
        .execute();
    }
    await this.db
      .updateTable('documents')
      .set({ modified_ms: now })
      .where('id', '=', documentId)
      .execute();
    await this.refreshListing(documentId);
  }

  // ---- labels and custom metadata (on a folder, a document or a document version) ----

  /** Holds a folder's or document's row until commit (PostgreSQL): serialises its annotations. */
  async lockResource(id: string): Promise<void> {
    await this.locked(this.db.selectFrom('folders').select('id').where('id', '=', id)).execute();
    await this.locked(this.db.selectFrom('documents').select('id').where('id', '=', id)).execute();
  }

  /** The labels of each resource (in the order they were added); a resource without any is absent. */
  async labelsOf(resourceIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (resourceIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('labels')
      .select(['resource_id', 'label'])
      .where('resource_id', 'in', resourceIds)
      .orderBy('seq')
      .execute();
    for (const r of rows) {
      const list = out.get(r.resource_id) ?? [];
      list.push(r.label);
      out.set(r.resource_id, list);
    }
    return out;
  }

  /** Adds labels (those already there stay once); false, adding none, if more than `max` would result. */
  async addLabels(
    resourceId: string,
    labels: readonly string[],
    max: number,
    now: number,
  ): Promise<boolean> {
    await this.lockResource(resourceId);
    const existing = new Set((await this.labelsOf([resourceId])).get(resourceId) ?? []);
    const added = [...new Set(labels)].filter((l) => !existing.has(l));
    if (existing.size + added.length > max) return false;
    for (const label of added) {
      await this.db
        .insertInto('labels')
        .values({ resource_id: resourceId, label, created_ms: now })
        .execute();
    }
    return true;
  }

  async removeLabels(resourceId: string, labels: readonly string[] | 'all'): Promise<void> {
    let q = this.db.deleteFrom('labels').where('resource_id', '=', resourceId);
    if (labels !== 'all') {
      if (labels.length === 0) return;
      q = q.where('label', 'in', labels);
    }
    await q.execute();
  }

  /** Custom metadata of a resource (`versionId` null) or of one of a document's versions. */
  async customMetadata(
    resourceId: string,
    versionId: string | null,
  ): Promise<Record<string, string>> {
    const rows = await this.db
      .selectFrom('custom_metadata')
      .select(['key', 'value'])
      .where('resource_id', '=', resourceId)
      .where('version_id', '=', versionId ?? '')
      .orderBy('key')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  /** Sets keys (replacing their values); false, changing nothing, if more than `max` keys would result. */
  async putCustomMetadata(
    resourceId: string,
    versionId: string | null,
    entries: Record<string, string>,
    max: number,
  ): Promise<boolean> {
    await this.lockResource(resourceId);
    const existing = await this.customMetadata(resourceId, versionId);
    const keys = new Set([...Object.keys(existing), ...Object.keys(entries)]);
    if (keys.size > max) return false;
    for (const [key, value] of Object.entries(entries)) {
      await this.db
        .insertInto('custom_metadata')
        .values({ resource_id: resourceId, version_id: versionId ?? '', key, value })
        .onConflict((oc) => oc.columns(['resource_id', 'version_id', 'key']).doUpdateSet({ value }))
        .execute();
    }
    return true;
  }

  async removeCustomMetadata(
    resourceId: string,
    versionId: string | null,
    keys: readonly string[] | 'all',
  ): Promise<void> {
    let q = this.db
      .deleteFrom('custom_metadata')
      .where('resource_id', '=', resourceId)
      .where('version_id', '=', versionId ?? '');
    if (keys !== 'all') {
      if (keys.length === 0) return;
      q = q.where('key', 'in', keys);
    }
    await q.execute();
  }

  /** Removes the labels and all custom metadata (their versions' too) of resources. */
  private async deleteAnnotations(resourceIds: readonly string[]): Promise<void> {
    if (resourceIds.length === 0) return;
    await this.db.deleteFrom('labels').where('resource_id', 'in', resourceIds).execute();
    await this.db.deleteFrom('custom_metadata').where('resource_id', 'in', resourceIds).execute();
  }

  // ---- blobs in flight and let go (see PendingBlobsTable) ----

  /** Records an upload about to write blob `name`; it expires `leaseMs` from now unless renewed. */
  async beginUpload(name: string, leaseMs: number): Promise<void> {
    await this.db
      .insertInto('pending_blobs')
      .values({ name, expires_ms: sql<number>`${this.dbNow} + ${leaseMs}` })
      .execute();
  }

  /** Extends an upload's lease; false if it had expired already (its bytes may be gone). */
  async renewUpload(name: string, leaseMs: number): Promise<boolean> {
    const r = await this.db
      .updateTable('pending_blobs')
      .set({ expires_ms: sql<number>`${this.dbNow} + ${leaseMs}` })
      .where('name', '=', name)
      .where('expires_ms', '>', this.dbNow)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /**
   * Makes an uploaded blob the bytes of an INITIALIZED version, charging the owner's quota with
   * the difference; the blob it replaces is let go. Throws a CommitRefusalError (rolled back) when
   * the upload's lease expired, the version is gone or no longer INITIALIZED, or the quota would
   * be passed.
   */
  async commitUpload(c: {
    documentId: string;
    versionId: string;
    blob: string;
    size: number;
    sha256: string;
    now: number;
  }): Promise<{ previousBlob: string | null }> {
    const claimed = await this.db
      .deleteFrom('pending_blobs')
      .where('name', '=', c.blob)
      .where('expires_ms', '>', this.dbNow)
      .executeTakeFirst();
    if (claimed.numDeletedRows === 0n) throw new CommitRefusalError('expired');
    const v = await this.lockVersion(c.documentId, c.versionId);
    if (!v) throw new CommitRefusalError('gone');
    if (v.status !== 'INITIALIZED') throw new CommitRefusalError('state');
    const doc = await this.getDocument(c.documentId);
    if (!doc) throw new CommitRefusalError('gone');
    if (!(await this.chargeStorage(doc.owner_id, c.size - (v.blob_size ?? 0)))) {
      throw new CommitRefusalError('quota');
    }
    await this.db
      .updateTable('versions')
      .set({ blob: c.blob, blob_size: c.size, signature: c.sha256, modified_ms: c.now })
      .where('seq', '=', v.seq)
      .execute();
    if (v.blob !== null) await this.letGo([v.blob]);
    return { previousBlob: v.blob };
  }

  /** Marks blobs as no longer referenced: their files go after commit, or at the next cleanup. */
  async letGo(names: readonly string[]): Promise<void> {
    for (const name of names) {
      await this.db
        .insertInto('pending_blobs')
        .values({ name, expires_ms: 0 })
        .onConflict((oc) => oc.column('name').doUpdateSet({ expires_ms: 0 }))
        .execute();
    }
  }

  /** Expired rows: blobs whose files any node may delete now. */
  async expiredBlobs(limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('pending_blobs')
      .select('name')
      .where('expires_ms', '<=', this.dbNow)
      .orderBy('expires_ms')
      .limit(limit)
      .execute();
    return rows.map((r) => r.name);
  }

  /** Forgets an expired row once its files are deleted (an unexpired one stays). */
  async forgetBlob(name: string): Promise<void> {
    await this.db
      .deleteFrom('pending_blobs')
      .where('name', '=', name)
      .where('expires_ms', '<=', this.dbNow)
      .execute();
  }

  /** Expires every row (only for a process that knows no other one uses the database). */
  async expireAllPending(): Promise<void> {
    await this.db.updateTable('pending_blobs').set({ expires_ms: 0 }).execute();
  }

  /** Every blob name referenced by a version or a pending row. */
  async knownBlobs(): Promise<Set<string>> {
    const versions = await this.db
      .selectFrom('versions')
      .select('blob')
      .where('blob', 'is not', null)
      .execute();
    const pending = await this.db.selectFrom('pending_blobs').select('name').execute();
    return new Set([
      ...versions.flatMap((r) => (r.blob === null ? [] : [r.blob])),
      ...pending.map((r) => r.name),
    ]);
  }
}

export class CommitRefusalError extends Error {
  override readonly name = 'CommitRefusalError';
  constructor(readonly reason: CommitRefusal) {
    super(`upload not committed: ${reason}`);
  }
}
