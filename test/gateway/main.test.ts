/**
 * The CLI entry (`npm start` = src/main.ts), spawned as a real process with `node --import tsx`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { REPO_ROOT as ROOT, spawnTsx, stopProcess, waitForOutput } from '../helpers/process.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawnTsx('src/main.ts', args, { ...process.env, LOG_LEVEL: 'warn', ...env });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

test('--help lists every environment variable of the config module, and exits 0', async () => {
  const { code, stdout } = await run(['--help']);
  expect(code).toBe(0);
  const configSource = await readFile(path.join(ROOT, 'src/config.ts'), 'utf8');
  const variables = [...configSource.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
  expect(variables).toContain('PORT');
  expect(variables).toContain('WORKDOCS_ENDPOINT');
  expect(variables).toContain('WORKDOCS_LOCAL_PORT');
  for (const v of variables) expect(stdout, v).toContain(v);
});

test('an invalid variable → a message naming it and exit code 2', async () => {
  const { code, stderr, stdout } = await run([], { PORT: 'not-a-port' });
  expect(code).toBe(2);
  expect(stderr).toContain('PORT');
  expect(stderr).toContain('not-a-port');
  expect(stdout).toBe('');
});

test('an unknown argument → exit code 2', async () => {
  const { code, stderr } = await run(['--frobnicate']);
  expect(code).toBe(2);
  expect(stderr).toContain('--frobnicate');
});

test('starts the embedded WorkDocs Local, prints URLs and a working demo token, logs the request while running, stops on SIGTERM', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'workdocs-graphql-main-'));
  const child = spawnTsx('src/main.ts', [], {
    ...process.env,
    LOG_LEVEL: 'info',
    PORT: '0',
    HOST: '127.0.0.1',
    WORKDOCS_LOCAL_PORT: '0',
    WORKDOCS_LOCAL_DATA_DIR: dataDir,
  });
  try {
    const stdout = await waitForOutput(child, (out) => out.includes('Ctrl-C stops'));
    const graphqlUrl = /GraphQL\s+(http:\/\/\S+)/.exec(stdout)?.[1];
    const token = /Demo token\s+(\S+)/.exec(stdout)?.[1];
    const rootFolder = /Root folder\s+(\S+)/.exec(stdout)?.[1];
    expect(graphqlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(stdout).toContain('Sandbox');
    expect(stdout).toMatch(/WorkDocs Local at http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toContain('curl -s');

    // Log lines go out in batches, yet a lone request's access line appears while the process
    // runs (the periodic flush), not only when it exits.
    const accessLine = waitForOutput(child, (out) =>
      out
        .split('\n')
        .some((line) => line.includes('"msg":"request"') && line.includes('"mutation"')),
    );
    const res = await fetch(graphqlUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token!}` },
      body: JSON.stringify({
        query: `mutation($input: InitiateDocumentVersionUploadInput!) {
          initiateDocumentVersionUpload(input: $input) {
            __typename ... on InitiateDocumentVersionUploadPayload { uploadMetadata { uploadUrl } }
          }
        }`,
        variables: { input: { name: 'hello.txt', parentFolderId: rootFolder } },
      }),
    });
    const body = (await res.json()) as {
      data: { initiateDocumentVersionUpload: { __typename: string } };
    };
    expect(body.data.initiateDocumentVersionUpload.__typename).toBe(
      'InitiateDocumentVersionUploadPayload',
    );
    const logged = (await accessLine)
      .split('\n')
      .find((line) => line.includes('"msg":"request"') && line.includes('"mutation"'));
    expect(JSON.parse(logged!)).toMatchObject({ status: 200, outcome: 'ok', workdocsCalls: 1 });

    // The Sandbox opens with the demo mutation and the token header already filled in.
    const page = await fetch(graphqlUrl!, { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(html).toMatch(/sandbox/i);
    expect(html).toContain('initiateDocumentVersionUpload');
    expect(html).toContain(token!);

    expect(await stopProcess(child)).toBe(0);
  } finally {
    await stopProcess(child, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
});
