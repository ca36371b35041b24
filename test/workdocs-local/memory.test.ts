import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import {
  GetCurrentUserCommand,
  InitiateDocumentVersionUploadCommand,
  WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import { describe, expect, it } from 'vitest';
import { makeDataDir } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
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
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/workdocs-local/cli.ts'], {
      cwd: root,
      env,
    });
    try {
      let out = '';
      const endpoint = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /endpoint\s+(http:\/\/\S+)/.exec(out);
          if (m?.[1] && out.includes('demo token')) resolve(m[1]);
        });
        child.on('exit', (code) => {
          reject(new Error(`server exited with ${String(code)}`));
        });
      });
      const client = new WorkDocsClient({
        endpoint,
        region: 'us-east-1',
        credentials: {
          accessKeyId: 'AKIAWORKDOCSLOCAL000',
          secretAccessKey: 'workdocs-local-development-secret-key-0000',
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
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
