/**
 * The minimal streaming server the 1 GiB upload into WorkDocs Local is compared with: node:http,
 * every PUT body streamed to a new file in `dir` while hashed (SHA-256), the file fsynced (as
 * WorkDocs Local does before it acknowledges), then 200 with the hash. No auth, no metadata.
 *
 *   node --import tsx bench/stream-server.ts <dir>    → prints `LISTENING <port>`
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const dir = process.argv[2] ?? '.';

const server = http.createServer((req, res) => {
  const file = path.join(dir, randomUUID());
  const hash = createHash('sha256');
  const hasher = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  pipeline(req, hasher, createWriteStream(file, { flags: 'wx' }))
    .then(async () => {
      const fh = await open(file, 'r+');
      await fh.sync();
      await fh.close();
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(hash.digest('hex'));
    })
    .catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${String((server.address() as AddressInfo).port)}\n`);
});
process.on('SIGTERM', () => {
  server.close();
});
