import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
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

/** Every file of the data dir with its size and modification time. */
async function listDataDir(): Promise<string[]> {
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true });
  const out: string[] = [];
  for (const e of entries) {
    const full = path.join(e.parentPath, e.name);
    const st = await stat(full);
    out.push(`${path.relative(dataDir, full)} ${st.size} ${st.mtimeMs}`);
  }
  return out.sort();
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
    expect(first.stdout.trim()).toBe('applied 0001_initial, 0002_listing');
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

  it('serves, prints endpoint, the key file and demo token, and stops on SIGTERM', async () => {
    const { child, endpoint, stdout } = await spawnWorkDocsLocal(env());
    try {
      // The pair was generated on first start, kept owner-only, and its secret is not printed.
      const keysFile = path.join(dataDir, 'admin-keys.json');
      const keys = JSON.parse(await readFile(keysFile, 'utf8')) as {
        accessKeyId: string;
        secretAccessKey: string;
      };
      expect((await stat(keysFile)).mode & 0o777).toBe(0o600);
      expect(keys.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
      expect(keys.secretAccessKey).toHaveLength(40);
      expect(stdout).toMatch(new RegExp(`access key id\\s+${keys.accessKeyId}\n`));
      expect(stdout).toContain(`secret access key  in ${keysFile}`);
      expect(stdout).not.toContain(keys.secretAccessKey);
      expect(stdout).toMatch(/demo token\s+\S+/);
      const health = await fetch(`${endpoint}/_local/health`);
      expect(health.status).toBe(200);

      // On SQLite (the embedded mode) the data dir is locked; PostgreSQL nodes share by design.
      if (databaseUrl === undefined) {
        // A second instance on the same data dir exits 1 with a clear message and touches nothing:
        // not the first one's in-flight upload (tmp/) nor a blob it has not committed yet.
        const inFlight = path.join(dataDir, 'tmp', randomUUID());
        const uncommitted = path.join(dataDir, 'blobs', randomUUID());
        await writeFile(inFlight, 'partial upload');
        await writeFile(uncommitted, 'renamed, not yet committed');
        const before = await listDataDir();
        const second = await run(['serve']);
        expect(second.code).toBe(1);
        expect(second.stderr.trim()).toBe(
          `The data directory ${dataDir} is in use by another WorkDocs Local (${path.join(dataDir, 'instance.lock')} is locked); stop it first or choose another WORKDOCS_LOCAL_DATA_DIR`,
        );
        expect(await listDataDir()).toEqual(before);
        expect(await readFile(inFlight, 'utf8')).toBe('partial upload');
        await rm(inFlight);
        await rm(uncommitted);
      }
      expect(await stopProcess(child)).toBe(0);
    } finally {
      await stopProcess(child, 'SIGKILL');
    }

    // The next start reads the same pair.
    const again = await spawnWorkDocsLocal(env());
    try {
      expect(again.stdout).toContain(
        `secret access key  in ${path.join(dataDir, 'admin-keys.json')}`,
      );
    } finally {
      await stopProcess(again.child);
    }
  });

  it('uses the configured key pair instead, and refuses one half of a pair', async () => {
    const configured = {
      ...env(),
      WORKDOCS_LOCAL_ACCESS_KEY_ID: 'AKIACONFIGURED000000',
      WORKDOCS_LOCAL_SECRET_ACCESS_KEY: 'configured-secret',
    };
    const { child, stdout } = await spawnWorkDocsLocal(configured);
    try {
      expect(stdout).toMatch(/access key id\s+AKIACONFIGURED000000\n/);
      expect(stdout).toContain('secret access key  (as configured)');
    } finally {
      await stopProcess(child);
    }
    const half = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', WORKDOCS_LOCAL_CLI],
        { cwd: REPO_ROOT, env: { ...env(), WORKDOCS_LOCAL_ACCESS_KEY_ID: 'AKIAHALF' } },
        (err, _stdout, stderr) => {
          resolve({ code: err ? Number(err.code ?? 1) : 0, stderr });
        },
      );
    });
    expect(half.code).toBe(2);
    expect(half.stderr).toContain(
      'WORKDOCS_LOCAL_ACCESS_KEY_ID and WORKDOCS_LOCAL_SECRET_ACCESS_KEY are set together or not at all',
    );
  });
});
