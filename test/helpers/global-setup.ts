/**
 * vitest global setup: with WORKDOCS_LOCAL_TEST_BACKEND=postgres, one throwaway PostgreSQL cluster
 * for the whole run (see database.ts), stopped and removed at the end.
 */
import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from './postgres.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const backend = process.env.WORKDOCS_LOCAL_TEST_BACKEND ?? 'sqlite';
  if (backend !== 'postgres') {
    if (backend !== 'sqlite')
      throw new Error(`WORKDOCS_LOCAL_TEST_BACKEND=${backend}: sqlite or postgres`);
    project.provide('postgresUrl', undefined);
    return () => Promise.resolve();
  }
  const cluster = await startPostgresCluster();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
