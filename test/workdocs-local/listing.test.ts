/**
 * DescribeFolderContents pages by key: a marker names the last item returned, so items inserted
 * or deleted while a client pages shift nothing — every item present throughout is listed exactly
 * once, none twice.
 */
import { randomBytes } from 'node:crypto';
import {
  DeleteDocumentCommand,
  DeleteFolderCommand,
  DescribeFolderContentsCommand,
  InitiateDocumentVersionUploadCommand,
  InvalidArgumentException,
} from '@aws-sdk/client-workdocs';
import type { DescribeFolderContentsCommandInput } from '@aws-sdk/client-workdocs';
import { describe, expect, it } from 'vitest';
import { createFolder } from '../helpers/workdocs.js';
import { useHarness } from './helpers.js';

const h = useHarness();

const name = (): string => randomBytes(6).toString('hex');

async function inBatches<T>(count: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += 25) {
    out.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(25, count - i) }, (_, j) => make(i + j)),
      )),
    );
  }
  return out;
}

describe('DescribeFolderContents paging', () => {
  it('lists each of 1,000 items present throughout exactly once while items are inserted and deleted between pages', async () => {
    const token = h.local.demoToken;
    const parent = await createFolder(h.client, token, h.local.demoRootFolderId, `big-${name()}`);
    const newFolder = async (): Promise<string> => createFolder(h.client, token, parent, name());
    const newDocument = async (): Promise<string> => {
      const out = await h.client.send(
        new InitiateDocumentVersionUploadCommand({
          AuthenticationToken: token,
          ParentFolderId: parent,
          Name: name(),
          ContentType: 'text/plain',
        }),
      );
      return out.Metadata!.Id!;
    };
    const folders = await inBatches(600, newFolder);
    const documents = await inBatches(400, newDocument);
    const kind = new Map<string, 'folder' | 'document'>([
      ...folders.map((id) => [id, 'folder'] as const),
      ...documents.map((id) => [id, 'document'] as const),
    ]);
    const throughout = new Set(kind.keys());
    const seen = new Map<string, number>();
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await h.client.send(
        new DescribeFolderContentsCommand({
          AuthenticationToken: token,
          FolderId: parent,
          Include: 'INITIALIZED',
          Limit: 37,
          Marker: marker,
        }),
      );
      for (const item of [...(out.Folders ?? []), ...(out.Documents ?? [])]) {
        seen.set(item.Id!, (seen.get(item.Id!) ?? 0) + 1);
      }
      marker = out.Marker;
      pages++;
      // Between pages: two new items (names sort anywhere) and two deletions of original items,
      // seen or not yet seen.
      kind.set(await newFolder(), 'folder');
      kind.set(await newDocument(), 'document');
      for (const id of [...throughout].sort(() => Math.random() - 0.5).slice(0, 2)) {
        throughout.delete(id);
        if (kind.get(id) === 'folder') {
          await h.client.send(
            new DeleteFolderCommand({ AuthenticationToken: token, FolderId: id }),
          );
        } else {
          await h.client.send(
            new DeleteDocumentCommand({ AuthenticationToken: token, DocumentId: id }),
          );
        }
      }
    } while (marker !== undefined && pages < 200);
    expect(marker).toBeUndefined();
    expect(throughout.size).toBeGreaterThan(900);
    for (const id of throughout) expect(seen.get(id), id).toBe(1);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });

  it('pages in every order without gaps or repeats', async () => {
    const token = h.local.demoToken;
    const parent = await createFolder(h.client, token, h.local.demoRootFolderId, `order-${name()}`);
    await inBatches(30, () => createFolder(h.client, token, parent, name()));
    for (const Sort of ['NAME', 'DATE'] as const) {
      for (const Order of ['ASCENDING', 'DESCENDING'] as const) {
        const all = async (input: Partial<DescribeFolderContentsCommandInput>) => {
          const ids: string[] = [];
          let marker: string | undefined;
          do {
            const out = await h.client.send(
              new DescribeFolderContentsCommand({
                AuthenticationToken: token,
                FolderId: parent,
                Sort,
                Order,
                Marker: marker,
                ...input,
              }),
            );
            ids.push(...(out.Folders ?? []).map((f) => f.Id!));
            marker = out.Marker;
          } while (marker !== undefined);
          return ids;
        };
        const oneGo = await all({ Limit: 999 });
        expect(oneGo).toHaveLength(30);
        expect(await all({ Limit: 7 })).toEqual(oneGo);
      }
    }
  });

  it('refuses a marker it did not issue, or one of another order, as InvalidArgumentException', async () => {
    const token = h.local.demoToken;
    const parent = await createFolder(h.client, token, h.local.demoRootFolderId, `m-${name()}`);
    await inBatches(3, () => createFolder(h.client, token, parent, name()));
    const first = await h.client.send(
      new DescribeFolderContentsCommand({ AuthenticationToken: token, FolderId: parent, Limit: 1 }),
    );
    expect(first.Marker).toBeDefined();
    const list = (Marker: string, extra: Partial<DescribeFolderContentsCommandInput> = {}) =>
      h.client.send(
        new DescribeFolderContentsCommand({
          AuthenticationToken: token,
          FolderId: parent,
          Marker,
          ...extra,
        }),
      );
    await expect(list(first.Marker!, { Sort: 'DATE' })).rejects.toBeInstanceOf(
      InvalidArgumentException,
    );
    const forged = Buffer.from(JSON.stringify({ k: 'x', v: 1, i: 'a', s: 'NAME', r: false }));
    await expect(list(forged.toString('base64url'))).rejects.toBeInstanceOf(
      InvalidArgumentException,
    );
    await expect(list('not-a-marker')).rejects.toBeInstanceOf(InvalidArgumentException);
  });
});
