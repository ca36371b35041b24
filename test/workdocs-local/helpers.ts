import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import type { WorkDocsLocal, WorkDocsLocalOptions } from '../../src/workdocs-local/index.js';
import { spawnTsx, waitForOutput } from '../helpers/process.js';
import { suiteResource } from '../helpers/suite.js';
import { sdkClient, startTestWorkDocsLocal } from '../helpers/workdocs.js';

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

/**
 * WorkDocs Local on 127.0.0.1 port 0 (chaos on, silent logs) with an SDK client holding its
 * administrator key pair; a new temp data dir unless `dataDir` is given.
 */
export async function startHarness(
  options: WorkDocsLocalOptions = {},
  dataDir?: string,
): Promise<Harness> {
  const dir = dataDir ?? (await makeDataDir());
  const local = await startTestWorkDocsLocal(dir, options);
  const client = sdkClient(local);
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

/**
 * One harness for the enclosing file or `describe`: started in `beforeAll`, stopped (data dir
 * removed) in `afterAll`. The returned object reaches the running harness; use it inside hooks and
 * tests only.
 */
export function useHarness(options: WorkDocsLocalOptions = {}): Harness {
  const get = suiteResource(
    'harness',
    () => startHarness(options),
    (harness) => harness.stop(),
  );
  return {
    get local() {
      return get().local;
    },
    get client() {
      return get().client;
    },
    get dataDir() {
      return get().dataDir;
    },
    stop: (keepData) => get().stop(keepData),
  };
}

/** The WorkDocs Local CLI, run as its own process. */
export const WORKDOCS_LOCAL_CLI = 'src/workdocs-local/cli.ts';

export interface SpawnedWorkDocsLocal {
  child: ChildProcess;
  /** e.g. http://127.0.0.1:39123, as printed. */
  endpoint: string;
  /** What it printed up to being ready (endpoint, keys, demo token). */
  stdout: string;
}

/**
 * Spawns the WorkDocs Local CLI (serving) with `env` and waits until it prints its endpoint and
 * demo token. Stop it with `stopProcess(child)`.
 */
export async function spawnWorkDocsLocal(env: NodeJS.ProcessEnv): Promise<SpawnedWorkDocsLocal> {
  const child = spawnTsx(WORKDOCS_LOCAL_CLI, [], env);
  const endpointIn = (out: string): string | undefined =>
    /endpoint\s+(http:\/\/\S+)/.exec(out)?.[1];
  const stdout = await waitForOutput(
    child,
    (out) => endpointIn(out) !== undefined && out.includes('demo token'),
  );
  return { child, endpoint: endpointIn(stdout)!, stdout };
}
