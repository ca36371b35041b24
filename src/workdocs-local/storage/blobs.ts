/**
 * File bytes of WorkDocs Local. Blobs live under `<dataDir>/blobs/<uuid>`; names are generated
 * here and never derived from ids or names in requests. Writes stream to `<dataDir>/tmp/<uuid>`
 * while hashing (constant memory), are fsynced, then renamed into place atomically, so an
 * interrupted upload leaves nothing visible.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class SizeLimitError extends Error {
  override readonly name = 'SizeLimitError';
}

export interface WrittenBlob {
  name: string;
  size: number;
  sha256: string;
}

export class BlobStore {
  private readonly blobDir: string;
  private readonly tmpDir: string;

  constructor(dataDir: string) {
    this.blobDir = path.join(dataDir, 'blobs');
    this.tmpDir = path.join(dataDir, 'tmp');
    mkdirSync(this.blobDir, { recursive: true });
    mkdirSync(this.tmpDir, { recursive: true });
    // Leftovers of uploads interrupted by a crash are never visible; remove them.
    for (const f of readdirSync(this.tmpDir)) rmSync(path.join(this.tmpDir, f), { force: true });
  }

  private blobPath(name: string): string {
    if (!NAME.test(name)) throw new Error('invalid blob name');
    return path.join(this.blobDir, name);
  }

  /** Deletes blob files no version references (e.g. after a crash between rename and commit). */
  sweep(referenced: Set<string>): void {
    for (const f of readdirSync(this.blobDir)) {
      if (!referenced.has(f)) rmSync(path.join(this.blobDir, f), { force: true });
    }
  }

  /**
   * Streams `source` into a new blob. If `maxBytes` is given, more bytes than that abort the write
   * with SizeLimitError. Returns the blob's name, size and hex SHA-256.
   */
  async write(source: Readable, maxBytes?: number): Promise<WrittenBlob> {
    const name = randomUUID();
    const tmp = path.join(this.tmpDir, name);
    const hash = createHash('sha256');
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (maxBytes !== undefined && size > maxBytes) {
          cb(new SizeLimitError(`more than ${maxBytes} bytes`));
          return;
        }
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(source, counter, createWriteStream(tmp, { flags: 'wx' }));
      const fh = await open(tmp, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.blobPath(name));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { name, size, sha256: hash.digest('hex') };
  }

  async remove(name: string | null | undefined): Promise<void> {
    if (name === null || name === undefined) return;
    await rm(this.blobPath(name), { force: true });
  }

  async size(name: string): Promise<number> {
    return (await stat(this.blobPath(name))).size;
  }

  read(name: string): Readable {
    return createReadStream(this.blobPath(name));
  }
}
