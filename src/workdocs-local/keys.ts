/**
 * The administrator's SigV4 key pair of WorkDocs Local. A request signed with it and no
 * `Authentication` token acts as administrator of the organization, so it is never a public
 * constant: unless configured explicitly, a random pair is generated on first start and kept in
 * `<dataDir>/admin-keys.json` (mode 0600), which later starts read.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Credentials } from './http/sigv4.js';

export const KEYS_FILE = 'admin-keys.json';

export interface AdminKeys extends Credentials {
  /** The file the pair is kept in; undefined when it was configured (environment or options). */
  file: string | undefined;
  /** Set when the file is readable by others than its owner (a warning worth logging). */
  warning?: string;
}

const fileSchema = z.object({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
});

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A pair shaped like AWS's: `AKIA` + 16 base32 characters, and a 40-character secret. */
export function generateKeys(): Credentials {
  const id = [...randomBytes(16)].map((b) => BASE32[b % 32]).join('');
  return { accessKeyId: `AKIA${id}`, secretAccessKey: randomBytes(30).toString('base64') };
}

/** Syncs a directory, so that a file created or renamed in it survives power loss. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The configured pair if given, else the one kept in the data dir, created (exclusively, mode
 * 0600, synced) if there is none. A damaged file stops the start with a message naming it.
 */
export function loadOrCreateAdminKeys(
  dataDir: string,
  configured: Partial<Credentials> = {},
): AdminKeys {
  if (configured.accessKeyId !== undefined && configured.secretAccessKey !== undefined) {
    return {
      accessKeyId: configured.accessKeyId,
      secretAccessKey: configured.secretAccessKey,
      file: undefined,
    };
  }
  const file = path.join(dataDir, KEYS_FILE);
  const fresh = generateKeys();
  let fd: number | undefined;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (fd !== undefined) {
    try {
      writeSync(fd, `${JSON.stringify(fresh, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    fsyncDir(dataDir);
    return { ...fresh, file };
  }
  let parsed;
  try {
    parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success) {
    throw new Error(
      `${file} is not a key pair ({"accessKeyId": ..., "secretAccessKey": ...}); fix or delete it`,
    );
  }
  const mode = statSync(file).mode & 0o777;
  const keys: AdminKeys = { ...parsed.data, file };
  if ((mode & 0o077) !== 0) {
    keys.warning = `${file} is readable by others (mode ${mode.toString(8)}); chmod 600 it`;
  }
  return keys;
}
