/**
 * The hand-written servers the gateway is compared with: a plain node:http server that makes the
 * same minimal WorkDocs calls as the gateway for each benchmarked request, with a DEFAULT
 * `new WorkDocsClient(...)` (no tuning), and returns the SDK's output as JSON.
 *
 *   WORKDOCS_ENDPOINT=http://127.0.0.1:PORT node --import tsx bench/baseline.ts
 *   → prints `LISTENING <port>`
 *
 * Routes (POST, JSON body, `Authorization: Bearer <token>` forwarded as AuthenticationToken):
 * - `/initiate`        `{ name, contentType, documentSizeInBytes, parentFolderId }` →
 *                      InitiateDocumentVersionUpload
 * - `/folder-contents` `{ folderId, limit }` → DescribeFolderContents, then one DescribeUsers for
 *                      the distinct creators
 * - `/entities`        `{ ids }` → GetDocument per id (all at once), then one DescribeUsers
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeFolderContentsCommand,
  DescribeUsersCommand,
  GetDocumentCommand,
  InitiateDocumentVersionUploadCommand,
  WorkDocsClient,
  type DocumentMetadata,
  type User,
} from '@aws-sdk/client-workdocs';

const client = new WorkDocsClient({
  region: 'us-east-1',
  endpoint: process.env.WORKDOCS_ENDPOINT,
  credentials: { accessKeyId: 'AKIABENCH', secretAccessKey: 'bench-secret' },
});

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

async function withCreators(
  token: string | undefined,
  documents: DocumentMetadata[],
): Promise<(DocumentMetadata & { Creator: User | null })[]> {
  const ids = [...new Set(documents.map((d) => d.CreatorId).filter((id) => id !== undefined))];
  const out =
    ids.length === 0
      ? { Users: [] }
      : await client.send(
          new DescribeUsersCommand({
            AuthenticationToken: token,
            UserIds: ids.join(','),
            Limit: ids.length,
          }),
        );
  const byId = new Map((out.Users ?? []).map((u) => [u.Id, u]));
  return documents.map((d) => ({ ...d, Creator: byId.get(d.CreatorId) ?? null }));
}

async function route(path: string, token: string | undefined, body: Record<string, unknown>) {
  switch (path) {
    case '/initiate': {
      const out = await client.send(
        new InitiateDocumentVersionUploadCommand({
          AuthenticationToken: token,
          Name: body.name as string,
          ContentType: body.contentType as string,
          DocumentSizeInBytes: body.documentSizeInBytes as number,
          ParentFolderId: body.parentFolderId as string,
        }),
      );
      return { Metadata: out.Metadata, UploadMetadata: out.UploadMetadata };
    }
    case '/folder-contents': {
      const out = await client.send(
        new DescribeFolderContentsCommand({
          AuthenticationToken: token,
          FolderId: body.folderId as string,
          Limit: body.limit as number,
        }),
      );
      return {
        Folders: out.Folders,
        Documents: await withCreators(token, out.Documents ?? []),
        Marker: out.Marker,
      };
    }
    case '/entities': {
      const docs = await Promise.all(
        (body.ids as string[]).map((DocumentId) =>
          client.send(new GetDocumentCommand({ AuthenticationToken: token, DocumentId })),
        ),
      );
      return {
        Documents: await withCreators(
          token,
          docs.map((d) => d.Metadata).filter((d) => d !== undefined),
        ),
      };
    }
    default:
      return undefined;
  }
}

const server = http.createServer((req, res) => {
  const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  readJson(req)
    .then((body) => route(req.url ?? '/', token, body))
    .then(
      (result) => {
        const text = JSON.stringify(result ?? { error: 'not found' });
        res.writeHead(result === undefined ? 404 : 200, { 'Content-Type': 'application/json' });
        res.end(text);
      },
      (err: unknown) => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
      },
    );
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${String((server.address() as AddressInfo).port)}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  client.destroy();
});
