/**
 * Resources that live as long as the enclosing test file or `describe`.
 */
import { afterAll, beforeAll } from 'vitest';

/**
 * Starts a resource in `beforeAll` and stops it in `afterAll`. Returns a getter for the running
 * resource, which throws outside hooks and tests (before it started, after it stopped).
 */
export function suiteResource<T>(
  what: string,
  start: () => Promise<T>,
  stop: (resource: T) => Promise<void>,
): () => T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await start();
  });
  afterAll(async () => {
    const running = current;
    current = undefined;
    if (running !== undefined) await stop(running);
  });
  return () => {
    if (current === undefined) throw new Error(`the ${what} runs only inside hooks and tests`);
    return current;
  };
}
