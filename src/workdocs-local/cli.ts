#!/usr/bin/env node
/**
 * `workdocs-local` — runs WorkDocs Local on its own, or administers a data dir.
 *
 *   workdocs-local                          run the service (configured by WORKDOCS_LOCAL_* env)
 *   workdocs-local users list               list the users of the data dir
 *   workdocs-local token issue <user>       print a new Authentication token for a user (id or username)
 *   workdocs-local quota set <user> <bytes|unlimited>
 */
import path from 'node:path';
import { ConfigError, loadWorkDocsLocalConfig } from '../config.js';
import { openDataDir, startWorkDocsLocal } from './index.js';
import { newToken } from './storage/store.js';
import type { Store } from './storage/store.js';

const HELP = `Usage: workdocs-local [command]

Runs WorkDocs Local, a WorkDocs-compatible service for the official AWS SDKs, or administers
its data directory (the service may be running meanwhile).

Commands:
  (none) | serve                        run the service and print endpoint, keys and demo token
  users list                            list users (id, username, status, quota, used bytes)
  token issue <userId|username>         issue and print a new Authentication token
  quota set <userId|username> <bytes|unlimited>
                                        set a user's storage quota
  --help                                show this help

Configuration (environment):
  WORKDOCS_LOCAL_PORT (4100), WORKDOCS_LOCAL_HOST (127.0.0.1), WORKDOCS_LOCAL_DATA_DIR (.workdocs-local),
  WORKDOCS_LOCAL_DEMO_TOKEN, WORKDOCS_LOCAL_ACCESS_KEY_ID, WORKDOCS_LOCAL_SECRET_ACCESS_KEY,
  WORKDOCS_LOCAL_REGION (us-east-1), WORKDOCS_LOCAL_CHAOS (false),
  WORKDOCS_LOCAL_UPLOAD_URL_TTL_SECONDS (900), WORKDOCS_LOCAL_FOLDER_CHILD_LIMIT (10000),
  WORKDOCS_LOCAL_PUBLIC_URL, WORKDOCS_LOCAL_DEFAULT_STORAGE_BYTES (unset = unlimited), LOG_LEVEL
`;

class UsageError extends Error {}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function withStore<T>(fn: (store: Store) => T): T {
  const config = loadWorkDocsLocalConfig();
  const { store } = openDataDir(path.resolve(config.dataDir), {
    demoToken: config.demoToken,
    defaultStorageBytes: config.defaultStorageBytes,
    now: Date.now(),
  });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function findUserOrThrow(store: Store, idOrUsername: string | undefined) {
  if (idOrUsername === undefined) throw new UsageError('missing <userId|username>');
  const user = store.findUser(idOrUsername);
  if (!user) throw new UsageError(`no user ${idOrUsername}`);
  return user;
}

async function serve(): Promise<void> {
  const local = await startWorkDocsLocal();
  out(`WorkDocs Local is running
  endpoint           ${local.endpoint}
  region             ${local.region}
  access key id      ${local.accessKeyId}
  secret access key  ${local.secretAccessKey}
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
    withStore((store) => {
      const orgId = store.getMeta('organization_id') ?? '';
      for (const u of store.listUsers(orgId)) {
        const quota = u.storage_type === 'QUOTA' ? String(u.storage_allocated ?? 0) : 'unlimited';
        out(
          `${u.id}\t${u.username}\t${u.status}\tquota=${quota}\tused=${store.storageUtilized(u.id)}\troot=${u.root_folder_id}`,
        );
      }
    });
    return;
  }
  if (command === 'token' && sub === 'issue') {
    withStore((store) => {
      const user = findUserOrThrow(store, rest[0]);
      const token = newToken();
      store.addToken(user.id, token, Date.now());
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
    withStore((store) => {
      const user = findUserOrThrow(store, who);
      store.setQuota(user.id, bytes, Date.now());
      out(`${user.username}: ${bytes === null ? 'unlimited' : `${bytes} bytes`}`);
    });
    return;
  }
  throw new UsageError(`unknown command: ${argv.join(' ')}\n\n${HELP}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
