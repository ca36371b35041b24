/**
 * Child processes in tests: the project's CLIs spawned as real processes with `node --import tsx`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root (the working directory of spawned CLIs). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Spawns `node --import tsx <script> ...args` in the repository root, stdout and stderr piped. */
export function spawnTsx(script: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Collects the child's stdout and stderr; resolves with the stdout so far as soon as
 * `ready(stdout)` holds, and rejects (with the exit code and the output) if the child ends first.
 */
export function waitForOutput(
  child: ChildProcess,
  ready: (stdout: string) => boolean,
): Promise<string> {
  const { stdout, stderr } = child;
  if (!stdout || !stderr) throw new Error('waitForOutput needs piped stdout and stderr');
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (ready(out)) resolve(out);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      reject(new Error(`exited with ${String(code)} before it was ready: ${out}\n${err}`));
    });
  });
}

/** Sends `signal` (SIGTERM) unless the child has already ended; resolves with its exit code. */
export function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill(signal);
  return exited;
}
