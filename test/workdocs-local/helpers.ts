import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { pino } from 'pino';
import { startWorkDocsLocal } from '../../src/workdocs-local/index.js';
import type { WorkDocsLocal, WorkDocsLocalOptions } from '../../src/workdocs-local/index.js';

export interface Harness {
  local: WorkDocsLocal;
  client: WorkDocsClient;
  dataDir: string;
  /** Stops the server and the client; removes the data dir unless `keepData`. */
  stop(keepData?: boolean): Promise<void>;
}

export async function makeDataDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'wdl-test-'));
}

export function clientFor(
  local: WorkDocsLocal,
  credentials = { accessKeyId: local.accessKeyId, secretAccessKey: local.secretAccessKey },
): WorkDocsClient {
  return new WorkDocsClient({
    endpoint: local.endpoint,
    region: local.region,
    credentials,
    maxAttempts: 1,
  });
}

export async function startHarness(
  options: WorkDocsLocalOptions = {},
  dataDir?: string,
): Promise<Harness> {
  const dir = dataDir ?? (await makeDataDir());
  const local = await startWorkDocsLocal({
    port: 0,
    host: '127.0.0.1',
    dataDir: dir,
    chaos: true,
    logger: pino({ level: 'silent' }),
    ...options,
  });
  const client = clientFor(local);
  return {
    local,
    client,
    dataDir: dir,
    async stop(keepData = false) {
      client.destroy();
      await local.close();
      if (!keepData) await rm(dir, { recursive: true, force: true });
    },
  };
}
