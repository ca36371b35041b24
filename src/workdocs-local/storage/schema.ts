/**
 * The tables of WorkDocs Local as Kysely sees them (one definition for SQLite and PostgreSQL; the
 * DDL is in migrations.ts). Times are epoch milliseconds, sizes bytes: both 64-bit integers, read
 * back as JavaScript numbers on both engines.
 */
import type { Generated, Insertable, Selectable } from 'kysely';

export interface MetaTable {
  key: string;
  value: string;
}

export interface UsersTable {
  id: string;
  username: string;
  /** `username` lower-cased: usernames are unique regardless of case (unique index). */
  username_key: string;
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
  /** Bytes of the user's documents (every version whose bytes arrived), maintained on each change. */
  storage_used: number;
  password_hash: string | null;
  created_ms: number;
  modified_ms: number;
}

export interface TokensTable {
  hash: string;
  user_id: string;
  created_ms: number;
}

export interface FoldersTable {
  id: string;
  name: string | null;
  creator_id: string;
  owner_id: string;
  parent_id: string | null;
  resource_state: string;
  /** Folders and documents directly inside, maintained on each change (the child limit's count). */
  child_count: number;
  created_ms: number;
  modified_ms: number;
  /** 1 unless RECYCLED or RECYCLING: listed in its parent (maintained with resource_state). */
  present: number;
}

export interface DocumentsTable {
  id: string;
  name: string;
  creator_id: string;
  owner_id: string;
  parent_id: string;
  resource_state: string;
  created_ms: number;
  modified_ms: number;
  /** 1 unless RECYCLED or RECYCLING: listed with Include=INITIALIZED (maintained, see repo.ts). */
  present: number;
  /** 1 when present with a version ACTIVE and not deleted: listed by default (maintained). */
  listable: number;
}

export interface VersionsTable {
  seq: Generated<number>;
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

export interface LabelsTable {
  /** Insertion order (labels are listed in the order they were added). */
  seq: Generated<number>;
  resource_id: string;
  label: string;
  created_ms: number;
}

export interface CustomMetadataTable {
  resource_id: string;
  /** '' for the metadata of the resource itself. */
  version_id: string;
  key: string;
  value: string;
}

export interface PermissionsTable {
  resource_id: string;
  principal_id: string;
  role: string;
  share_id: string;
  created_ms: number;
}

/**
 * Blob files that may exist without a version referencing them: uploads in flight (until
 * `expires_ms`, which the uploading node keeps extending while bytes arrive) and deletions not yet
 * carried out (`expires_ms` = when the blob was let go). Any node removes the files of expired rows.
 */
export interface PendingBlobsTable {
  name: string;
  expires_ms: number;
}

export interface Database {
  meta: MetaTable;
  users: UsersTable;
  tokens: TokensTable;
  folders: FoldersTable;
  documents: DocumentsTable;
  versions: VersionsTable;
  permissions: PermissionsTable;
  pending_blobs: PendingBlobsTable;
  labels: LabelsTable;
  custom_metadata: CustomMetadataTable;
}

export type UserRow = Omit<Selectable<UsersTable>, 'password_hash' | 'username_key'>;
export type FolderRow = Selectable<FoldersTable>;
export type DocumentRow = Selectable<DocumentsTable>;
export type VersionRow = Selectable<VersionsTable>;
export type PermissionRow = Selectable<PermissionsTable>;
export type NewVersion = Omit<Insertable<VersionsTable>, 'seq' | 'document_id' | 'deleted_ms'>;
