/**
 * Opening the metadata database: embedded SQLite (a file in the data dir, the default) or
 * PostgreSQL (`WORKDOCS_LOCAL_DATABASE_URL=postgres://…`, for several nodes). Both are driven
 * through one typed query layer (Kysely) — the queries are in repo.ts, written once.
 *
 * Every WorkDocs operation runs in one transaction (`Storage.transaction`). SQLite: `BEGIN
 * IMMEDIATE` on the process's one connection, so operations are serialised and another process
 * (the CLI) waits for the write lock instead of failing midway. PostgreSQL: READ COMMITTED, with
 * the rules held by constraints, row locks and conditional updates (repo.ts); a transaction that
 * deadlocks or fails to serialise is run again from the start.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { RawBuilder, SqliteDatabase } from 'kysely';
import type pg from 'pg';
import { migrateToLatest, renameLegacyTables } from './migrations.js';
import { Repo } from './repo.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/** A rule of the database refused a change (unique index, foreign key, check constraint). */
export class ConstraintError extends Error {
  override readonly name = 'ConstraintError';
  constructor(
    readonly kind: 'unique' | 'foreign-key' | 'check',
    /** The table whose rule refused the change, when the engine says. */
    readonly table: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface Storage {
  readonly dialect: Dialect;
  /** The migrations this process applied when it opened the storage (usually none). */
  readonly migrationsApplied: string[];
  /** Runs `fn` in one transaction; rolled back if it throws. */
  transaction<T>(fn: (repo: Repo) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface StorageOptions {
  /** `postgres://…` / `postgresql://…`; otherwise the SQLite file `sqliteFile`. */
  databaseUrl?: string | undefined;
  sqliteFile: string;
  /** PostgreSQL connections per node (default 10). */
  poolSize?: number | undefined;
  /** Run migrations on open (default true). */
  migrate?: boolean | undefined;
}

/** Epoch milliseconds by the database's clock (one clock for every node). */
const NOW: Record<Dialect, RawBuilder<number>> = {
  sqlite: sql<number>`CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`,
  postgres: sql<number>`CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)`,
};

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/** Translates an engine's constraint failure into a ConstraintError; other errors pass. */
function constraintError(err: unknown): unknown {
  if (typeof err !== 'object' || err === null || !('code' in err)) return err;
  const code = String(err.code);
  const message = err instanceof Error ? err.message : code;
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    const table = /failed: (\w+)\./.exec(message)?.[1];
    const kind =
      code === 'SQLITE_CONSTRAINT_FOREIGNKEY'
        ? 'foreign-key'
        : code === 'SQLITE_CONSTRAINT_CHECK'
          ? 'check'
          : code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
            ? 'unique'
            : undefined;
    return kind === undefined ? err : new ConstraintError(kind, table, message);
  }
  const table = 'table' in err && typeof err.table === 'string' ? err.table : undefined;
  if (code === '23505') return new ConstraintError('unique', table, message);
  if (code === '23503') return new ConstraintError('foreign-key', table, message);
  if (code === '23514') return new ConstraintError('check', table, message);
  return err;
}

/** PostgreSQL: deadlock or serialisation failure — the transaction may be run again. */
function retryable(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    (err.code === '40001' || err.code === '40P01')
  );
}

/** 64-bit integers (sizes, times) as numbers: every value stored fits 2^53. */
function int8AsNumber(driver: typeof pg): pg.TypeOverrides {
  const types = new driver.TypeOverrides();
  types.setTypeParser(driver.types.builtins.INT8, 'text', (v: string) => Number(v));
  return types;
}

/**
 * The SQLite file as Kysely sees it, with each statement prepared once per SQL text (up to
 * `size` of them, the oldest forgotten first): Kysely's SQLite driver prepares every query it runs,
 * and preparing was ~9% of WorkDocs Local's CPU under a DescribeFolderContents load (`node
 * --cpu-prof` on `node dist/workdocs-local/cli.js` under the `list` loop of bench/local-driver.ts).
 * A statement is reusable once run; WorkDocs Local never streams a query (Kysely would keep it
 * iterating).
 */
function preparedOnce(file: BetterSqlite3.Database, size = 500): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => file.close(),
    prepare(text) {
      let statement = statements.get(text);
      if (statement === undefined) {
        statement = file.prepare(text);
        if (statements.size >= size) {
          const oldest = statements.keys().next();
          if (oldest.done !== true) statements.delete(oldest.value);
        }
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

export async function openStorage(options: StorageOptions): Promise<Storage> {
  const dialect: Dialect = isPostgresUrl(options.databaseUrl) ? 'postgres' : 'sqlite';
  let db: Kysely<Database>;
  let sqliteFile: BetterSqlite3.Database | undefined;
  if (dialect === 'postgres') {
    // Loaded only for PostgreSQL: the driver is resident memory an SQLite process does not need.
    const driver = (await import('pg')).default;
    const pool = new driver.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      // 64-bit integers (sizes, times) as numbers: every value stored fits 2^53.
      types: int8AsNumber(driver),
    });
    // An idle client losing its server (restart, network) must not crash the process.
    pool.on('error', () => undefined);
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    const file = new BetterSqlite3(options.sqliteFile);
    try {
      file.pragma('journal_mode = WAL');
      // FULL: a committed transaction survives power loss (NORMAL in WAL mode may lose the last
      // ones). Its cost is measured in docs/workdocs-local.md ("Durability").
      file.pragma('synchronous = FULL');
      file.pragma('busy_timeout = 5000');
    } catch (err) {
      file.close();
      throw err;
    }
    sqliteFile = file;
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: preparedOnce(file) }) });
  }
  let migrationsApplied: string[] = [];
  try {
    if (options.migrate !== false) {
      // SQLite checks foreign keys only when enabled, and the pragma cannot change inside a
      // transaction: off while the migrations copy tables, on for every operation.
      if (sqliteFile) await renameLegacyTables(db as unknown as Kysely<unknown>);
      migrationsApplied = await migrateToLatest(db as unknown as Kysely<unknown>, dialect);
    }
    sqliteFile?.pragma('foreign_keys = ON');
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const now = NOW[dialect];

  async function once<T>(fn: (repo: Repo) => Promise<T>): Promise<T> {
    if (dialect === 'postgres') {
      return db.transaction().execute((tx) => fn(new Repo(tx, dialect, now)));
    }
    return db.connection().execute(async (conn) => {
      await sql`BEGIN IMMEDIATE`.execute(conn);
      let result: T;
      try {
        result = await fn(new Repo(conn, dialect, now));
      } catch (err) {
        await sql`ROLLBACK`.execute(conn);
        throw err;
      }
      await sql`COMMIT`.execute(conn);
      return result;
    });
  }

  return {
    dialect,
    migrationsApplied,
    async transaction(fn) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(fn);
        } catch (err) {
          if (attempt < 5 && retryable(err)) continue;
          throw constraintError(err);
        }
      }
    },
    async close() {
      await db.destroy();
    },
  };
}
