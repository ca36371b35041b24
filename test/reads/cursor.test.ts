/**
 * Unit tests of the folder-contents connection: opaque cursors over WorkDocs markers, and how one
 * upstream page becomes edges and pageInfo.
 */
import type { DocumentMetadata } from '@aws-sdk/client-workdocs';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/gateway/errors.js';
import { buildPage, decodeCursor, encodeCursor } from '../../src/gateway/resolvers/folder.js';

const L = 'ALL||';
const raw = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

const docs = (n: number): DocumentMetadata[] =>
  Array.from({ length: n }, (_, i) => ({ Id: `doc-${String(i)}` }));

describe('folder cursors', () => {
  it('round-trip and stay opaque (base64url)', () => {
    const c = { folderId: 'f1', listing: L, marker: 'abc/+=def', offset: 7 };
    const s = encodeCursor(c);
    expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(s).not.toContain('abc');
    expect(decodeCursor(s, 'f1', L)).toEqual(c);
    expect(decodeCursor(encodeCursor({ ...c, marker: undefined }), 'f1', L).marker).toBeUndefined();
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ['empty', ''],
    ['base64 of non-JSON', Buffer.from('hello').toString('base64url')],
    ['JSON of the wrong shape', Buffer.from('{"v":1}').toString('base64url')],
    ['negative offset', raw({ v: 1, f: 'f1', l: L, m: null, o: -1 })],
    ['huge offset', raw({ v: 1, f: 'f1', l: L, m: null, o: 100000 })],
    ['empty marker', raw({ v: 1, f: 'f1', l: L, m: '', o: 0 })],
    [
      'another folder',
      encodeCursor({ folderId: 'other', listing: L, marker: undefined, offset: 1 }),
    ],
    [
      'another sort order',
      encodeCursor({
        folderId: 'f1',
        listing: 'ALL|NAME|DESCENDING',
        marker: undefined,
        offset: 1,
      }),
    ],
  ])('a malformed cursor (%s) is an INVALID_ARGUMENT on `after`', (_why, value) => {
    let caught: unknown;
    try {
      decodeCursor(value, 'f1', L);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect((caught as GatewayError).code).toBe('INVALID_ARGUMENT');
    expect((caught as GatewayError).field).toBe('after');
  });
});

describe('buildPage', () => {
  const start = { folderId: 'f1', listing: L, marker: undefined, offset: 0 };

  it('a full page with a marker: hasNextPage, endCursor continues at the next marker', () => {
    const page = buildPage(start, 3, docs(3), 'M2', null);
    expect(page.edges).toHaveLength(3);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(page.pageInfo.endCursor!, 'f1', L)).toEqual({
      folderId: 'f1',
      listing: L,
      marker: 'M2',
      offset: 0,
    });
    // Earlier edges continue right after their own item, inside the page.
    expect(decodeCursor(page.edges[0]!.cursor, 'f1', L)).toEqual({ ...start, offset: 1 });
  });

  it('the last page: no next page, endCursor is the last edge cursor', () => {
    const page = buildPage(start, 5, docs(2), undefined, null);
    expect(page.pageInfo.hasNextPage).toBe(false);
    expect(page.pageInfo.endCursor).toBe(page.edges[1]!.cursor);
  });

  it('skips the items before an edge cursor and reports more items left in the upstream page', () => {
    const from = { folderId: 'f1', listing: L, marker: 'M1', offset: 2 };
    const page = buildPage(from, 2, docs(6), undefined, 'x');
    expect(page.edges.map((e) => (e.node as DocumentMetadata).Id)).toEqual(['doc-2', 'doc-3']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(page.pageInfo.endCursor!, 'f1', L)).toEqual({ ...from, offset: 4 });
  });

  it('an empty folder: no edges, no next page, null endCursor', () => {
    const page = buildPage(start, 10, [], undefined, null);
    expect(page).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });
});
