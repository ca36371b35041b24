/**
 * WorkDocs Local run as its own process (the CLI) keeps V8's young generation at its initial size
 * (semi-spaces of 1 MiB) instead of letting it grow to 16 MiB: a 1 GiB upload allocates a 64 KiB
 * buffer per read, and the young generation grown under that churn stayed resident (with the
 * semi-spaces at start-up's size, idle ~80 → ~72 MiB, peak during a 1 GiB upload ~115 → ~97 MiB:
 * VmHWM of `node dist/workdocs-local/cli.js` serving two 1 GiB PUTs, and the `local` section of
 * `node --import tsx bench/run.ts --only=local`). V8 reads this flag whenever it would grow the
 * young generation, so setting it at run time works; `--max-semi-space-size` would not (it is read
 * once, when the heap is set up). A semi-space option given to Node explicitly wins. The cost: an
 * upload streams ~12–15% slower on one core (scavenges every ~35 ms; bench/RESULTS.md, the upload
 * paragraph); `node --max-semi-space-size=16 dist/workdocs-local/cli.js` trades the memory back.
 *
 * Imported first by cli.ts, so that it runs before start-up allocates.
 */
import v8 from 'node:v8';

const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
if (!given.some((option) => /semi[-_]space/.test(option))) {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
