import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { GetCurrentUserCommand } from '@aws-sdk/client-workdocs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../helpers/database.js';
import { REPO_ROOT, stopProcess } from '../helpers/process.js';
import { makeDataDir, spawnWorkDocsLocal, startHarness, WORKDOCS_LOCAL_CLI } from './helpers.js';

let dataDir: string;
/** The database of this data dir when the tests run on PostgreSQL (the CLI is pointed at it too). */
let databaseUrl: string | undefined;

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    WORKDOCS_LOCAL_DATA_DIR: dataDir,
    WORKDOCS_LOCAL_PORT: '0',
    WORKDOCS_LOCAL_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  };
  delete e.WORKDOCS_LOCAL_DEMO_TOKEN;
  if (databaseUrl === undefined) delete e.WORKDOCS_LOCAL_DATABASE_URL;
  else e.WORKDOCS_LOCAL_DATABASE_URL = databaseUrl;
  return e;
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const e = env();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', WORKDOCS_LOCAL_CLI, ...args],
      { cwd: REPO_ROOT, env: e },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  dataDir = await makeDataDir();
  databaseUrl = await testDatabaseUrl();
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('workdocs-local CLI', () => {
  it('--help lists the commands and the configuration', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('token issue');
    expect(r.stdout).toContain('quota set');
    expect(r.stdout).toContain('WORKDOCS_LOCAL_DATA_DIR');
    expect(r.stdout).toContain('WORKDOCS_LOCAL_DATABASE_URL');
  });

  it('migrate brings the database to the latest schema, then finds it up to date', async () => {
    const first = await run(['migrate']);
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe('applied 0001_initial');
    const again = await run(['migrate']);
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe('up to date');
  });

  it('users list, token issue and quota set act on the data dir', async () => {
    const list = await run(['users', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/\tdemo\tACTIVE\tquota=unlimited/);

    const issued = await run(['token', 'issue', 'demo']);
    expect(issued.code).toBe(0);
    const token = issued.stdout.trim();
    expect(token.length).toBeGreaterThan(20);

    const quota = await run(['quota', 'set', 'demo', '12345']);
    expect(quota.code).toBe(0);

    const h = await startHarness({ databaseUrl }, dataDir);
    try {
      const me = await h.client.send(new GetCurrentUserCommand({ AuthenticationToken: token }));
      expect(me.User!.Username).toBe('demo');
      expect(me.User!.Storage!.StorageRule).toEqual({
        StorageType: 'QUOTA',
        StorageAllocatedInBytes: 12345,
      });
    } finally {
      await h.stop(true);
    }

    const unknown = await run(['token', 'issue', 'nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no user nobody');
    const badBytes = await run(['quota', 'set', 'demo', 'lots']);
    expect(badBytes.code).toBe(2);
  });

  it('serves, prints endpoint, keys and demo token, and stops on SIGTERM', async () => {
    const { child, endpoint, stdout } = await spawnWorkDocsLocal(env());
    try {
      expect(stdout).toContain('AKIAWORKDOCSLOCAL000');
      expect(stdout).toMatch(/demo token\s+\S+/);
      const health = await fetch(`${endpoint}/_local/health`);
      expect(health.status).toBe(200);
      expect(await stopProcess(child)).toBe(0);
    } finally {
      await stopProcess(child, 'SIGKILL');
    }
  });
});
