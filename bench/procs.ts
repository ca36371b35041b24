/**
 * Child processes of the benchmark: pinned to a core with `taskset` (when there are two cores and
 * taskset exists), their port read from stdout, their peak RSS read from /proc, stopped by PID.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether processes are pinned: the process under test on core 0, everything else on core 1. */
export const PINNED = os.availableParallelism() >= 2 && hasTaskset();
export const CORE_UNDER_TEST = 0;
export const CORE_OTHERS = 1;

/**
 * The gateway's heap bound in the throughput section's second comparison, as README.md's "Running
 * in production" discusses it. Without a bound V8 sizes its full collections from the machine's
 * memory and lets promoted request garbage grow the old generation to ~130 MiB between them; with
 * one it collects sooner and more often: less memory, more CPU.
 */
export const BOUNDED_HEAP_FLAGS = ['--max-old-space-size=512'];

export interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  /** What the ready pattern captured (a port or URL): its first group. */
  ready: string;
  /** The whole match of the ready pattern. */
  match: RegExpExecArray;
  /** Everything printed so far (stdout + stderr), for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Every process started and not yet stopped, for `stopAll` (e.g. on Ctrl-C). */
const live = new Set<ChildProcess>();

/** Stops every process this benchmark started and has not stopped yet. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((child) => stopChild(child)));
}

/**
 * The environment of a child: this process's, without the variables that configure the gateway or
 * WorkDocs Local (a shell's `HOST`, a stray `WORKDOCS_ENDPOINT`, `OTEL_…`), so every process
 * under test is configured by the benchmark alone, then `extra`. A machine whose shell exports
 * `HOST` made the gateway listen somewhere other than where the benchmark looked.
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^(WORKDOCS_|GATEWAY_|OTEL_|AWS_)/.test(k) || k === 'HOST' || k === 'PORT') {
      Reflect.deleteProperty(env, k);
    }
  }
  return { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra };
}

/** `node <args>` on `core`; resolves once stdout matches `ready` (its first group). */
export function startNode(
  name: string,
  args: string[],
  options: { core: number; env?: NodeJS.ProcessEnv; ready: RegExp; timeoutMs?: number },
): Promise<Proc> {
  const [cmd, argv] = PINNED
    ? ['taskset', ['-c', String(options.core), process.execPath, ...args]]
    : [process.execPath, args];
  const child = spawn(cmd, argv, {
    cwd: REPO_ROOT,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.on('exit', () => live.delete(child));
  let out = '';
  let matched = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${name} did not start within ${String(options.timeoutMs ?? 60_000)} ms:\n${out}`,
        ),
      );
    }, options.timeoutMs ?? 60_000);
    const onData = (d: Buffer): void => {
      // Once ready, the output (e.g. an access log line per request) is drained, not kept.
      if (matched) return;
      out += d.toString();
      if (out.length > 200_000) out = out.slice(-100_000);
      const m = options.ready.exec(out);
      if (m) {
        matched = true;
        clearTimeout(timer);
        resolve({
          name,
          child,
          pid: child.pid!,
          ready: m[1] ?? m[0],
          match: m,
          output: () => out,
          stop: () => stopChild(child),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      if (!matched) {
        clearTimeout(timer);
        reject(new Error(`${name} exited with ${String(code)} before it was ready:\n${out}`));
      }
    });
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runs `node <args>` on `core` to completion; resolves with its stdout. */
export function runNode(args: string[], core: number): Promise<string> {
  const [cmd, argv] = PINNED
    ? ['taskset', ['-c', String(core), process.execPath, ...args]]
    : [process.execPath, args];
  const child = spawn(cmd, argv, {
    cwd: REPO_ROOT,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      live.delete(child);
      if (code === 0) resolve(out);
      else
        reject(
          new Error(`node ${args.join(' ').slice(0, 200)} exited with ${String(code)}: ${err}`),
        );
    });
  });
}

/** The peak resident set size of a process so far (VmHWM), in MiB; undefined off Linux. */
export function peakRssMiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Math.round((Number(kb) / 1024) * 10) / 10;
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (user + system, seconds) a process has used so far; undefined off Linux. Per request,
 * it is the figure least disturbed by other work on the machine: throughput of a saturated core is
 * about 1 / (CPU time per request).
 */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) — utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** A port that is free right now (for processes whose start-up we time from the first request). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}
