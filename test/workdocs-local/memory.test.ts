import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import {
  GetCurrentUserCommand,
  InitiateDocumentVersionUploadCommand,
  WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import { describe, expect, it } from 'vitest';
import { stopProcess } from '../helpers/process.js';
import { makeDataDir, spawnWorkDocsLocal, type SpawnedWorkDocsLocal } from './helpers.js';

const MiB = 1024 * 1024;

async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${String(pid)}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return Number(m?.[1] ?? 0) * 1024;
}

// Linux only (reads the server's peak RSS from /proc); the server runs in its own process.
describe.skipIf(!existsSync('/proc/self/status'))('upload memory', () => {
  it('a 300 MiB upload does not grow the server’s peak memory by anything like its size', async () => {
    const dataDir = await makeDataDir();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      WORKDOCS_LOCAL_DATA_DIR: dataDir,
      WORKDOCS_LOCAL_PORT: '0',
      WORKDOCS_LOCAL_HOST: '127.0.0.1',
      WORKDOCS_LOCAL_DEMO_TOKEN: 'memory-test-token',
      LOG_LEVEL: 'silent',
    };
    let server: SpawnedWorkDocsLocal | undefined;
    try {
      server = await spawnWorkDocsLocal(env);
      const { child, endpoint } = server;
      const client = new WorkDocsClient({
        endpoint,
        region: 'us-east-1',
        // The administrator's pair, generated on first start and kept in the data dir.
        credentials: JSON.parse(await readFile(path.join(dataDir, 'admin-keys.json'), 'utf8')) as {
          accessKeyId: string;
          secretAccessKey: string;
        },
        maxAttempts: 1,
      });
      const me = await client.send(
        new GetCurrentUserCommand({ AuthenticationToken: 'memory-test-token' }),
      );
      const size = 300 * MiB;
      const init = await client.send(
        new InitiateDocumentVersionUploadCommand({
          AuthenticationToken: 'memory-test-token',
          ParentFolderId: me.User!.RootFolderId!,
          Name: 'big.bin',
          ContentType: 'application/octet-stream',
          DocumentSizeInBytes: size,
        }),
      );
      client.destroy();
      const before = await peakRss(child.pid!);
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(init.UploadMetadata!.UploadUrl!, {
          method: 'PUT',
          headers: { ...init.UploadMetadata!.SignedHeaders!, 'Content-Length': String(size) },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        const chunk = Buffer.alloc(MiB, 0x5a);
        let sent = 0;
        const pump = (): void => {
          while (sent < size) {
            sent += MiB;
            if (!req.write(chunk)) {
              req.once('drain', pump);
              return;
            }
          }
          req.end();
        };
        pump();
      });
      expect(status).toBe(200);
      const after = await peakRss(child.pid!);
      expect(after - before).toBeLessThan(150 * MiB);
    } finally {
      if (server) await stopProcess(server.child);
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
