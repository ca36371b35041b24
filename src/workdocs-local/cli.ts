#!/usr/bin/env node
/**
 * `workdocs-local` — runs WorkDocs Local on its own, or administers a data dir.
 *
 *   workdocs-local                          run the service (configured by WORKDOCS_LOCAL_* env)
 *   workdocs-local users list               list the users of the data dir
 *   workdocs-local token issue <user>       print a new Authentication token for a user (id or username)
 *   workdocs-local quota set <user> <bytes|unlimited>
 *   workdocs-local migrate                  bring the database to the latest schema
 */
import path from 'node:path';
import { ConfigError, loadWorkDocsLocalConfig } from '../config.js';
import { DB_FILE, openDataDir, startWorkDocsLocal } from './index.js';
import { openStorage } from './storage/database.js';
import { newToken } from './storage/repo.js';
import type { Repo } from './storage/repo.js';
import { DataDirLockedError } from './lock.js';

const HELP = `Usage: workdocs-local [command]

Runs WorkDocs Local, a WorkDocs-compatible service for the official AWS SDKs, or administers
its data (the service may be running meanwhile): the data dir's SQLite database, or the
PostgreSQL database of WORKDOCS_LOCAL_DATABASE_URL.

Commands:
  (none) | serve                        run the service and print endpoint, keys and demo token
  users list                            list users (id, username, status, quota, used bytes)
  token issue <userId|username>         issue and print a new Authentication token
  quota set <userId|username> <bytes|unlimited>
                                        set a user's storage quota
  migrate                               apply the database migrations (the service also does on start)
  --help                                show this help

Configuration (environment):
  WORKDOCS_LOCAL_PORT (4100), WORKDOCS_LOCAL_HOST (127.0.0.1), WORKDOCS_LOCAL_DATA_DIR (.workdocs-local),
  WORKDOCS_LOCAL_DEMO_TOKEN,
  WORKDOCS_LOCAL_ACCESS_KEY_ID, WORKDOCS_LOCAL_SECRET_ACCESS_KEY (the administrator's key pair;
    unset = generated on first start and kept in <data dir>/admin-keys.json, mode 0600),
  WORKDOCS_LOCAL_REGION (us-east-1), WORKDOCS_LOCAL_CHAOS (false),
  WORKDOCS_LOCAL_UPLOAD_URL_TTL_SECONDS (900), WORKDOCS_LOCAL_FOLDER_CHILD_LIMIT (10000),
  WORKDOCS_LOCAL_PUBLIC_URL, WORKDOCS_LOCAL_DEFAULT_STORAGE_BYTES (unset = unlimited),
  WORKDOCS_LOCAL_DATABASE_URL (postgres://…; unset = SQLite in the data dir),
  WORKDOCS_LOCAL_UPLOAD_LEASE_SECONDS (300),
  WORKDOCS_LOCAL_MAX_UPLOAD_BYTES (53687091200), WORKDOCS_LOCAL_HEADERS_TIMEOUT_SECONDS (20),
  WORKDOCS_LOCAL_BODY_IDLE_TIMEOUT_SECONDS (60), WORKDOCS_LOCAL_MAX_CONNECTIONS (1024), LOG_LEVEL,
  OTEL_EXPORTER_OTLP_ENDPOINT (unset = no tracing; set: spans over OTLP/HTTP to <endpoint>/v1/traces),
  OTEL_SERVICE_NAME (workdocs-local)

Operations: GET /metrics (Prometheus), GET /_local/health; one access log line per request with
requestId, the caller's x-request-id as reqId, and the traceparent's traceId.

A second instance on a data directory in use exits with status 1 and a message, touching nothing.
`;

class UsageError extends Error {}
/** A start-up failure worth one line (exit 1), not a stack trace. */
class StartError extends Error {}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Runs `fn` in one transaction of the configured storage (migrated and seeded first). */
async function withStore<T>(fn: (store: Repo) => Promise<T>): Promise<T> {
  const config = loadWorkDocsLocalConfig();
  const { storage } = await openDataDir(path.resolve(config.dataDir), {
    demoToken: config.demoToken,
    defaultStorageBytes: config.defaultStorageBytes,
    databaseUrl: config.databaseUrl,
    now: Date.now(),
  });
  try {
    return await storage.transaction(fn);
  } finally {
    await storage.close();
  }
}

async function findUserOrThrow(store: Repo, idOrUsername: string | undefined) {
  if (idOrUsername === undefined) throw new UsageError('missing <userId|username>');
  const user = await store.findUser(idOrUsername);
  if (!user) throw new UsageError(`no user ${idOrUsername}`);
  return user;
}

async function serve(): Promise<void> {
  let local;
  try {
    local = await startWorkDocsLocal();
  } catch (err) {
    if (err instanceof DataDirLockedError) throw new StartError(err.message);
    throw err;
  }
  out(`WorkDocs Local is running
  endpoint           ${local.endpoint}
  region             ${local.region}
  access key id      ${local.accessKeyId}
  secret access key  ${local.adminKeysFile === undefined ? '(as configured)' : `in ${local.adminKeysFile}`}
  demo user          ${local.demoUserId} (root folder ${local.demoRootFolderId})
  demo token         ${local.demoToken}
  organization       ${local.organizationId}
  data dir           ${local.dataDir}
Press Ctrl+C to stop.`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    local.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    out(HELP);
    return;
  }
  if (command === undefined || command === 'serve') {
    await serve();
    return;
  }
  if (command === 'users' && sub === 'list') {
    await withStore(async (store) => {
      const orgId = (await store.getMeta('organization_id')) ?? '';
      for (const u of await store.listUsers(orgId)) {
        const quota = u.storage_type === 'QUOTA' ? String(u.storage_allocated ?? 0) : 'unlimited';
        out(
          `${u.id}\t${u.username}\t${u.status}\tquota=${quota}\tused=${u.storage_used}\troot=${u.root_folder_id}`,
        );
      }
    });
    return;
  }
  if (command === 'token' && sub === 'issue') {
    await withStore(async (store) => {
      const user = await findUserOrThrow(store, rest[0]);
      const token = newToken();
      await store.addToken(user.id, token, Date.now());
      out(token);
    });
    return;
  }
  if (command === 'quota' && sub === 'set') {
    const [who, amount] = rest;
    if (amount === undefined)
      throw new UsageError('usage: quota set <userId|username> <bytes|unlimited>');
    let bytes: number | null;
    if (amount === 'unlimited') bytes = null;
    else if (/^\d+$/.test(amount) && Number.isSafeInteger(Number(amount))) bytes = Number(amount);
    else throw new UsageError(`not a byte count: ${amount}`);
    await withStore(async (store) => {
      const user = await findUserOrThrow(store, who);
      await store.setQuota(user.id, bytes, Date.now());
      out(`${user.username}: ${bytes === null ? 'unlimited' : `${bytes} bytes`}`);
    });
    return;
  }
  if (command === 'migrate' && sub === undefined) {
    const config = loadWorkDocsLocalConfig();
    const storage = await openStorage({
      databaseUrl: config.databaseUrl,
      sqliteFile: path.join(path.resolve(config.dataDir), DB_FILE),
    });
    await storage.close();
    const applied = storage.migrationsApplied;
    out(applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`);
    return;
  }
  throw new UsageError(`unknown command: ${argv.join(' ')}\n\n${HELP}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof StartError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
