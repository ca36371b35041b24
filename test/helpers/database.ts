/**
 * Which metadata backend the tests run WorkDocs Local on. `WORKDOCS_LOCAL_TEST_BACKEND=postgres`
 * makes vitest's global setup (test/helpers/global-setup.ts) start one throwaway PostgreSQL
 * cluster; every WorkDocs Local a test starts then gets a fresh database of its own in it.
 * Otherwise (the default) each gets an SQLite file in its data dir.
 */
import { inject } from 'vitest';
import { createDatabase } from './postgres.js';

export { createDatabase };

declare module 'vitest' {
  export interface ProvidedContext {
    /** The throwaway cluster's maintenance URL, when the tests run on PostgreSQL. */
    postgresUrl: string | undefined;
  }
}

/** The URL of the cluster the tests run on, or undefined for SQLite. */
export function testPostgresUrl(): string | undefined {
  return inject('postgresUrl');
}

/** A new, empty database for one WorkDocs Local (or several sharing it); undefined on SQLite. */
export async function testDatabaseUrl(): Promise<string | undefined> {
  const base = testPostgresUrl();
  if (base === undefined) return undefined;
  return createDatabase(base);
}
