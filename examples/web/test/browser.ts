/**
 * Debian's Chromium driven by playwright-core, for the browser tests.
 *
 * Without `/usr/bin/chromium` the tests are skipped with a message saying so — except with
 * `CI=true`, where a missing Chromium fails the run (`.ci/run` installs it).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { describe, it } from 'vitest';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** `describe` when Chromium is there; otherwise a skip that says why (or, in CI, a failure). */
export function describeWithChromium(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, body);
    return;
  }
  const why = `${CHROMIUM_PATH} not found: install it with \`apt-get install -y chromium\``;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Chromium (CI=true: a missing browser fails the run)', () => {
        throw new Error(why);
      });
    });
    return;
  }
  process.stderr.write(`[browser test skipped] ${name}: ${why}\n`);
  describe.skip(`${name} (skipped: ${why})`, body);
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium headless with a fresh user-data-dir, which `close()` removes. */
export async function launchChromium(): Promise<Browser> {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'workdocs-graphql-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      viewport: { width: 1100, height: 900 },
    });
  } catch (err) {
    await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    context,
    async close() {
      try {
        await context.close();
      } finally {
        await rm(userDataDir, { recursive: true, force: true });
      }
    },
  };
}
