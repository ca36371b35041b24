/**
 * The model-shape check that every SDK client of the tests applies to WorkDocs Local's responses
 * (test/helpers/model-shape.ts): it must catch what a wrong handler would return, or a handler
 * returning a wrong shape would pass every test.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  GetDocumentCommand,
  ServiceUnavailableException,
  WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkResponsesAgainstModel,
  errorViolations,
  outputViolations,
} from '../helpers/model-shape.js';
import { testDatabaseUrl } from '../helpers/database.js';
import { uploadDocument } from '../helpers/workdocs.js';
import { DB_FILE } from '../../src/workdocs-local/index.js';
import { startHarness } from './helpers.js';

const goodDocument = {
  Metadata: {
    Id: 'doc-1',
    CreatorId: 'user-1',
    ParentFolderId: 'folder-1',
    CreatedTimestamp: 1700000000.123,
    ResourceState: 'ACTIVE',
    Labels: ['a', 'b c'],
    LatestVersionMetadata: {
      Id: '1700000000000-ab',
      Name: 'report \u{1F4C4}.txt',
      Size: 12,
      Status: 'ACTIVE',
      Source: { ORIGINAL: 'http://127.0.0.1/x' },
    },
  },
  CustomMetadata: { key: 'value' },
};

describe('outputViolations', () => {
  it('accepts a response that fits the output shape', () => {
    expect(outputViolations('GetDocument', goodDocument)).toEqual([]);
    expect(outputViolations('GetResources', { Folders: [], Documents: [] })).toEqual([]);
    // Operations without an output shape: an empty body.
    expect(outputViolations('DeleteDocumentVersion', undefined)).toEqual([]);
  });

  it('names each violation with its path', () => {
    const bad = structuredClone(goodDocument) as Record<string, unknown> & {
      Metadata: Record<string, unknown> & { LatestVersionMetadata: Record<string, unknown> };
    };
    bad.Metadata.Label = ['typo'];
    bad.Metadata.ResourceState = 'DELETED';
    bad.Metadata.CreatedTimestamp = '2024-01-01T00:00:00Z';
    bad.Metadata.Labels = ['x'.repeat(33)];
    bad.Metadata.LatestVersionMetadata.Size = '12';
    bad.Metadata.LatestVersionMetadata.Source = { THUMBNAIL: 'http://x' };
    bad.CustomMetadata = {};
    expect(outputViolations('GetDocument', bad)).toEqual([
      '$.Metadata.CreatedTimestamp: expected epoch seconds, got "2024-01-01T00:00:00Z" (shape TimestampType)',
      '$.Metadata.ResourceState: "DELETED" is not one of ACTIVE, RESTORING, RECYCLING, RECYCLED (shape ResourceStateType)',
      '$.Metadata.Labels[0]: 33 characters, at most 32 (shape SharedLabel)',
      '$.Metadata.LatestVersionMetadata.Size: expected an integer, got "12" (shape SizeType)',
      '$.Metadata.LatestVersionMetadata.Source key "THUMBNAIL": "THUMBNAIL" is not one of ORIGINAL, WITH_COMMENTS (shape DocumentSourceType)',
      '$.Metadata: unknown member Label (shape DocumentMetadata)',
      '$.CustomMetadata: 0 entries, at least 1 (shape CustomMetadataMap)',
    ]);
  });

  it('catches too many labels, a bad pattern and a body for an operation without output', () => {
    expect(
      outputViolations('GetFolder', {
        Metadata: { Id: 'f', Labels: Array.from({ length: 21 }, (_, i) => `l${i}`) },
      }),
    ).toEqual(['$.Metadata.Labels: 21 items, at most 20 (shape SharedLabels)']);
    expect(outputViolations('GetFolder', { Metadata: { Id: 'has space' } })).toEqual([
      '$.Metadata.Id: "has space" does not match [\\w+-.@]+ (shape ResourceIdType)',
    ]);
    expect(outputViolations('DeleteFolderContents', { Deleted: 3 })).toEqual([
      '$: DeleteFolderContents has no output in the model, got {"Deleted":3}',
    ]);
  });
});

describe('errorViolations', () => {
  it('checks exception members, and needs a Message everywhere', () => {
    expect(
      errorViolations('EntityNotExistsException', { Message: 'm', message: 'm', EntityIds: ['x'] }),
    ).toEqual([]);
    expect(errorViolations('EntityNotExistsException', { Message: 'm', EntityIds: 'x' })).toEqual([
      '$.EntityIds: expected a list, got string (shape EntityIdList)',
    ]);
    expect(errorViolations('UnauthorizedOperationException', { Message: 'm' })).toEqual([]);
    expect(errorViolations('InvalidSignatureException', {})).toEqual([
      '$: InvalidSignatureException without a string Message',
    ]);
  });
});

describe('checkResponsesAgainstModel on an SDK client', () => {
  // A server that answers GetDocument with a body the SDK would happily deserialize.
  let body = '';
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  let client: WorkDocsClient;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new WorkDocsClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    checkResponsesAgainstModel(client);
  });

  afterAll(async () => {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a fitting response still deserializes', async () => {
    body = JSON.stringify(goodDocument);
    const out = await client.send(new GetDocumentCommand({ DocumentId: 'doc-1' }));
    expect(out.Metadata?.Labels).toEqual(['a', 'b c']);
    expect(out.Metadata?.LatestVersionMetadata?.Name).toBe('report \u{1F4C4}.txt');
    expect(out.CustomMetadata).toEqual({ key: 'value' });
  });

  it('a wrong shape that the SDK would pass on silently makes the call reject', async () => {
    body = JSON.stringify({ Metadata: { Id: 'doc-1', Label: ['x'] } });
    await expect(client.send(new GetDocumentCommand({ DocumentId: 'doc-1' }))).rejects.toThrow(
      'GetDocument answered 200 with a body that does not fit the WorkDocs model:\n  $.Metadata: unknown member Label (shape DocumentMetadata)',
    );
  });
});

describe('WorkDocs Local with checkResponses (as every test runs it)', () => {
  it('answers 500 naming what does not fit instead of sending a wrong shape', async () => {
    // On PostgreSQL (WORKDOCS_LOCAL_TEST_BACKEND=postgres) the metadata is in a database of its own.
    const databaseUrl = await testDatabaseUrl();
    const h = await startHarness({ databaseUrl });
    try {
      const token = h.local.demoToken;
      const { documentId } = await uploadDocument(h.client, token, {
        parentFolderId: h.local.demoRootFolderId,
        name: 'checked.txt',
        body: 'x',
      });
      // A label no request could have set (the model allows 32 characters), written behind
      // WorkDocs Local's back as old or damaged data would be.
      const label = 'x'.repeat(40);
      if (databaseUrl !== undefined) {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        try {
          await client.query(
            'INSERT INTO labels (resource_id, label, created_ms) VALUES ($1, $2, $3)',
            [documentId, label, Date.now()],
          );
        } finally {
          await client.end();
        }
      } else {
        const db = new Database(path.join(h.dataDir, DB_FILE));
        try {
          db.prepare('INSERT INTO labels (resource_id, label, created_ms) VALUES (?, ?, ?)').run(
            documentId,
            label,
            Date.now(),
          );
        } finally {
          db.close();
        }
      }
      const e = await h.client
        .send(new GetDocumentCommand({ AuthenticationToken: token, DocumentId: documentId }))
        .catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ServiceUnavailableException);
      expect((e as ServiceUnavailableException).$metadata.httpStatusCode).toBe(500);
      expect((e as ServiceUnavailableException).message).toBe(
        'The response of GetDocument does not fit the WorkDocs model: $.Metadata.Labels[0]: 40 characters, at most 32 (shape SharedLabel)',
      );
    } finally {
      await h.stop();
    }
  });
});
