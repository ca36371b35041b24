/**
 * The two processes under test, started as a user would: WorkDocs Local through its CLI and the
 * gateway through its entry point with `WORKDOCS_ENDPOINT`, each `node --import tsx <entry>` (one
 * process each, so its PID is the server's), production settings, logs to files. Stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Server {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The base URL it printed (http://127.0.0.1:PORT…). */
  url: string;
  logFile: string;
  /** When it was spawned (epoch ms): `--trace-gc` times count from about then. */
  spawnedAt: number;
  /** Set when the process ended while the soak still needed it. */
  exit: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
  /** True once `stop` sent the signal: an exit after that is no crash. */
  stopping: boolean;
}

/**
 * Spawns `node [nodeFlags] --import tsx <entry>` in the repository root with `env`, stdout and stderr to
 * `logFile`, and resolves once stdout has a line matching `urlLine` (its first http URL is the
 * server's). Rejects, with the log's tail, if the process ends first or within `timeoutMs`.
 */
export async function startServer(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  urlLine: RegExp,
  nodeFlags: readonly string[] = [],
  timeoutMs = 60_000,
): Promise<Server> {
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', entry], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  if (child.pid === undefined) throw new Error(`${name}: could not spawn ${entry}`);
  const server: Server = {
    name,
    child,
    pid: child.pid,
    url: '',
    logFile,
    spawnedAt,
    exit: undefined,
    stopping: false,
  };
  child.once('exit', (code, signal) => {
    server.exit = { code, signal, at: Date.now() };
    log.end();
  });
  let out = '';
  server.url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        if (!urlLine.test(line)) continue;
        const m = /https?:\/\/[^\s)"',]+/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[0]);
          return;
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      void readFile(logFile, 'utf8')
        .catch(() => '')
        .then((text) => {
          reject(new Error(`${name} exited with ${String(code)} before it was ready:\n${text}`));
        });
    });
  }).catch(async (err: unknown) => {
    await stopServer(server);
    throw err;
  });
  return server;
}

/** SIGTERM to this PID (SIGKILL after `graceMs`); resolves with how it ended. */
export async function stopServer(
  server: Server,
  graceMs = 15_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; forced: boolean }> {
  server.stopping = true;
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) {
    return { code: child.exitCode, signal: child.signalCode, forced: false };
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    }),
  );
  process.kill(server.pid, 'SIGTERM');
  let forced = false;
  const timer = setTimeout(() => {
    forced = true;
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, graceMs);
  const result = await exited;
  clearTimeout(timer);
  return { ...result, forced };
}

export interface ProcessSample {
  rssBytes: number;
  fds: number;
  sockets: number;
}

/** RSS, open file descriptors and how many of them are sockets, from /proc (Linux). */
export async function sampleProcess(pid: number): Promise<ProcessSample | undefined> {
  try {
    const status = await readFile(`/proc/${String(pid)}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    const fdDir = `/proc/${String(pid)}/fd`;
    const fds = await readdir(fdDir);
    let sockets = 0;
    await Promise.all(
      fds.map(async (fd) => {
        const target = await readlink(path.join(fdDir, fd)).catch(() => '');
        if (target.startsWith('socket:')) sockets += 1;
      }),
    );
    return { rssBytes: rssKb * 1024, fds: fds.length, sockets };
  } catch {
    return undefined;
  }
}

/**
 * The V8 heap after each full garbage collection (`--trace-gc` lines `Mark-Compact a (b) -> c (d)
 * MB`) of the process's main isolate (the one with the most of them), with epoch times.
 */
export async function heapAfterFullGc(
  server: Pick<Server, 'logFile' | 'spawnedAt'>,
): Promise<{ atMs: number; heapMiB: number }[]> {
  const text = await readFile(server.logFile, 'utf8').catch(() => '');
  const byIsolate = new Map<string, { atMs: number; heapMiB: number }[]>();
  const re =
    /\[\d+:(0x[0-9a-f]+)\]\s+(\d+) ms: Mark-Compact[^\n]*?[\d.]+ \([\d.]+\) -> ([\d.]+) \(/g;
  for (const m of text.matchAll(re)) {
    const list = byIsolate.get(m[1] ?? '') ?? [];
    list.push({ atMs: server.spawnedAt + Number(m[2]), heapMiB: Number(m[3]) });
    byIsolate.set(m[1] ?? '', list);
  }
  return [...byIsolate.values()].sort((a, b) => b.length - a.length)[0] ?? [];
}
