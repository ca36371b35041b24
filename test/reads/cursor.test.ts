/**
 * Unit tests of the folder-contents connection: opaque cursors over WorkDocs markers, and how one
 * upstream page becomes edges and pageInfo.
 */
import type { DocumentMetadata } from '@aws-sdk/client-workdocs';
import { describe, expect, it } from 'vitest';
import { CursorSigner } from '../../src/gateway/cursors.js';
import { GatewayError } from '../../src/gateway/errors.js';
import { buildPage, decodeCursor, encodeCursor } from '../../src/gateway/resolvers/folder.js';

const L = 'ALL||';
const signer = new CursorSigner();
/** A cursor payload signed with this test's signer (a well-formed cursor the gateway issued). */
const signed = (o: object): string =>
  signer.sign(Buffer.from(JSON.stringify(o)).toString('base64url'));
const raw = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

const docs = (n: number): DocumentMetadata[] =>
  Array.from({ length: n }, (_, i) => ({ Id: `doc-${String(i)}` }));

describe('folder cursors', () => {
  it('round-trip and stay opaque (base64url payload . base64url HMAC)', () => {
    const c = { folderId: 'f1', listing: L, marker: 'abc/+=def', offset: 7 };
    const s = encodeCursor(c, signer);
    expect(s).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(s).not.toContain('abc');
    expect(decodeCursor(s, 'f1', L, signer)).toEqual(c);
    expect(
      decodeCursor(encodeCursor({ ...c, marker: undefined }, signer), 'f1', L, signer).marker,
    ).toBeUndefined();
  });

  it('a configured key verifies across signers (replicas); another key does not', () => {
    const key = 'k'.repeat(32);
    const c = { folderId: 'f1', listing: L, marker: 'M', offset: 1 };
    const s = encodeCursor(c, new CursorSigner(key));
    expect(decodeCursor(s, 'f1', L, new CursorSigner(key))).toEqual(c);
    expect(() => decodeCursor(s, 'f1', L, new CursorSigner('x'.repeat(32)))).toThrow(
      /not issued by this gateway, or altered/,
    );
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ['empty', ''],
    ['base64 of non-JSON', Buffer.from('hello').toString('base64url')],
    ['JSON of the wrong shape', Buffer.from('{"v":1}').toString('base64url')],
    ['unsigned (the format before signing)', raw({ v: 1, f: 'f1', l: L, m: null, o: 3 })],
    [
      'edited to start deeper, the old MAC kept',
      `${raw({ v: 1, f: 'f1', l: L, m: 'DEEP', o: 998 })}.${signed({ v: 1, f: 'f1', l: L, m: null, o: 3 }).split('.')[1] ?? ''}`,
    ],
    ['a made-up MAC', `${raw({ v: 1, f: 'f1', l: L, m: null, o: 3 })}.${'A'.repeat(43)}`],
    [
      'signed with another key',
      new CursorSigner().sign(raw({ v: 1, f: 'f1', l: L, m: null, o: 3 })),
    ],
    ['negative offset', signed({ v: 1, f: 'f1', l: L, m: null, o: -1 })],
    ['huge offset', signed({ v: 1, f: 'f1', l: L, m: null, o: 100000 })],
    ['empty marker', signed({ v: 1, f: 'f1', l: L, m: '', o: 0 })],
    [
      'another folder',
      encodeCursor({ folderId: 'other', listing: L, marker: undefined, offset: 1 }, signer),
    ],
    [
      'another sort order',
      encodeCursor(
        {
          folderId: 'f1',
          listing: 'ALL|NAME|DESCENDING',
          marker: undefined,
          offset: 1,
        },
        signer,
      ),
    ],
  ])('a malformed cursor (%s) is an INVALID_ARGUMENT on `after`', (_why, value) => {
    let caught: unknown;
    try {
      decodeCursor(value, 'f1', L, signer);
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
    const page = buildPage(signer, start, 3, docs(3), 'M2', null);
    expect(page.edges).toHaveLength(3);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(page.pageInfo.endCursor!, 'f1', L, signer)).toEqual({
      folderId: 'f1',
      listing: L,
      marker: 'M2',
      offset: 0,
    });
    // Earlier edges continue right after their own item, inside the page.
    expect(decodeCursor(page.edges[0]!.cursor, 'f1', L, signer)).toEqual({ ...start, offset: 1 });
  });

  it('the last page: no next page, endCursor is the last edge cursor', () => {
    const page = buildPage(signer, start, 5, docs(2), undefined, null);
    expect(page.pageInfo.hasNextPage).toBe(false);
    expect(page.pageInfo.endCursor).toBe(page.edges[1]!.cursor);
  });

  it('skips the items before an edge cursor and reports more items left in the upstream page', () => {
    const from = { folderId: 'f1', listing: L, marker: 'M1', offset: 2 };
    const page = buildPage(signer, from, 2, docs(6), undefined, 'x');
    expect(page.edges.map((e) => (e.node as DocumentMetadata).Id)).toEqual(['doc-2', 'doc-3']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(page.pageInfo.endCursor!, 'f1', L, signer)).toEqual({ ...from, offset: 4 });
  });

  it('an empty folder: no edges, no next page, null endCursor', () => {
    const page = buildPage(signer, start, 10, [], undefined, null);
    expect(page).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });
});
