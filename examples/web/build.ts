/**
 * Builds the demo page into `dist/` (or `outDir`): `src/main.ts` bundled by esbuild into one ES
 * module (`main.js`), next to `index.html` and `style.css`; and the framework-free upload module
 * alone (`src/index.ts` → `upload-document.js`) for pages that import it. The gateway serves that folder at `/demo` in
 * development. `npm run web:build` runs it (and `npm install`/`npm run build` do too).
 */
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Where `npm run web:build` writes the page and where the gateway looks for it. */
export const DEFAULT_WEB_DIST = path.join(HERE, 'dist');

export async function buildWeb(outDir: string = DEFAULT_WEB_DIST): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [
      { in: path.join(HERE, 'src', 'main.ts'), out: 'main' },
      { in: path.join(HERE, 'src', 'index.ts'), out: 'upload-document' },
    ],
    outdir: outDir,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
  });
  await Promise.all(
    ['index.html', 'style.css'].map((f) => copyFile(path.join(HERE, f), path.join(outDir, f))),
  );
}

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  const outDir = process.argv[2] === undefined ? DEFAULT_WEB_DIST : path.resolve(process.argv[2]);
  await buildWeb(outDir);
  process.stdout.write(`demo page built into ${path.relative(process.cwd(), outDir) || '.'}\n`);
}
