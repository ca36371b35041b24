/**
 * The demo page: sign in with a WorkDocs token, browse folders (paged with the connection's
 * cursors), upload picked or dropped files (progress and Cancel per file), upload new versions,
 * and download documents — with GraphQL to the gateway and the bytes PUT straight to WorkDocs.
 */
import { createGatewayClient, type GatewayClient, type GatewayFailure } from './client.js';
import type { FolderPageQuery, MeQuery } from './gql/graphql.js';
import { formatSize } from './format.js';
import { describeFailure, describeUploadError, type HumanMessage } from './messages.js';
import { FolderPageQuery as FolderPage, MeQuery as Me } from './operations.js';
import { uploadDocument, type UploadedDocument } from './upload-document.js';

/** What the gateway tells the page at `/demo/config.json`. */
interface DemoConfig {
  graphqlUrl: string;
  /** The embedded WorkDocs Local's demo token, or null (another WorkDocs, or not on loopback). */
  demoToken: string | null;
}

type Me = NonNullable<MeQuery['me']>;
type Folder = NonNullable<FolderPageQuery['folder']>;
type Edge = Folder['contents']['edges'][number];

const PAGE_SIZE = 20;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function byId(id: string): HTMLElement;
function byId<T extends HTMLElement>(id: string, type: new () => T): T;
function byId(id: string, type: new () => HTMLElement = HTMLElement): HTMLElement {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`#${id} is missing from the page`);
  return node;
}

/** Renders a message into an element: title, detail and the request id. */
function renderMessage(target: HTMLElement, message: HumanMessage, tone: 'error' | 'info'): void {
  target.replaceChildren(
    el('strong', { text: message.title }),
    ...(message.detail === '' ? [] : [' ', el('span', { text: message.detail })]),
    ...(message.requestId === null
      ? []
      : [' ', el('span', { class: 'request-id', text: `Request id: ${message.requestId}` })]),
  );
  target.className = `message ${tone}`;
  target.dataset.requestId = message.requestId ?? '';
  target.hidden = false;
}

class DemoPage {
  private client: GatewayClient | undefined;
  private me: Me | undefined;
  private folderId: string | undefined;
  /** Cursors of the pages before the current one (`after` of each), for "Previous". */
  private cursorStack: (string | null)[] = [];
  private currentAfter: string | null = null;

  constructor(private readonly config: DemoConfig) {}

  start(): void {
    const token = byId('token', HTMLInputElement);
    if (this.config.demoToken !== null) token.value = this.config.demoToken;
    byId('sign-in-form', HTMLFormElement).addEventListener('submit', (e) => {
      e.preventDefault();
      void this.signIn(token.value.trim());
    });
    byId('sign-out').addEventListener('click', () => {
      this.signOut();
    });
    byId('root-folder').addEventListener('click', () => {
      const root = this.me?.rootFolderId;
      if (root != null) void this.openFolder(root);
    });
    byId('parent-folder').addEventListener('click', () => {
      const parent = byId('parent-folder').dataset.folderId;
      if (parent) void this.openFolder(parent);
    });
    byId('next-page').addEventListener('click', () => {
      void this.nextPage();
    });
    byId('prev-page').addEventListener('click', () => {
      void this.prevPage();
    });
    const input = byId('file-input', HTMLInputElement);
    input.addEventListener('change', () => {
      for (const file of Array.from(input.files ?? [])) void this.upload(file);
      input.value = '';
    });
    const drop = byId('drop-zone');
    drop.addEventListener('dragover', (e) => {
      e.preventDefault();
      drop.classList.add('over');
    });
    drop.addEventListener('dragleave', () => {
      drop.classList.remove('over');
    });
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      for (const file of Array.from(e.dataTransfer?.files ?? [])) void this.upload(file);
    });
    if (this.config.demoToken !== null) void this.signIn(token.value);
  }

  /** Shows a top-level failure in the page's alert; a token problem sends back to sign-in. */
  private showFailure(failure: GatewayFailure): void {
    const message = describeFailure(failure);
    const alert = byId('alert');
    renderMessage(alert, message, 'error');
    alert.dataset.kind = failure.kind;
    if (message.signInAgain) this.signOut();
  }

  signOut(): void {
    this.client = undefined;
    this.me = undefined;
    this.folderId = undefined;
    byId('workspace').hidden = true;
    byId('sign-in').hidden = false;
    const token = byId('token', HTMLInputElement);
    token.value = '';
    token.focus();
  }

  private clearAlert(): void {
    const alert = byId('alert');
    alert.hidden = true;
    alert.replaceChildren();
    delete alert.dataset.kind;
  }

  async signIn(token: string): Promise<void> {
    this.clearAlert();
    if (token === '') {
      renderMessage(
        byId('alert'),
        { title: 'Enter a WorkDocs token.', detail: '', requestId: null, signInAgain: true },
        'error',
      );
      return;
    }
    const client = createGatewayClient({ url: this.config.graphqlUrl, token });
    const result = await client.request(Me, {});
    if (!result.ok) {
      // Reading one's own user needs nothing but a valid token: a refusal here means the token.
      const failure =
        result.failure.kind === 'forbidden'
          ? { ...result.failure, kind: 'sign-in' as const }
          : result.failure;
      this.showFailure(failure);
      return;
    }
    this.client = client;
    const me = result.data.me;
    this.showAccount(me);
    byId('sign-in').hidden = true;
    byId('workspace').hidden = false;
    if (me.rootFolderId !== null) await this.openFolder(me.rootFolderId);
  }

  private showAccount(me: Me): void {
    this.me = me;
    const storage = me.storage;
    const who = [me.givenName, me.surname].filter(Boolean).join(' ');
    byId('whoami').textContent =
      `${who === '' ? (me.username ?? me.id) : `${who} (${me.username ?? me.id})`} · ` +
      (storage?.storageType === 'QUOTA'
        ? `${formatSize(storage.storageUtilizedInBytes)} of ${formatSize(storage.storageAllocatedInBytes)} used`
        : `${formatSize(storage?.storageUtilizedInBytes)} used`);
  }

  /** Reads the user again (storage used changes with every upload). */
  private async refreshAccount(): Promise<void> {
    const result = await this.client?.request(Me, {});
    if (result?.ok === true) this.showAccount(result.data.me);
  }

  async openFolder(folderId: string): Promise<void> {
    this.folderId = folderId;
    this.cursorStack = [];
    this.currentAfter = null;
    await this.loadPage(null);
  }

  private async nextPage(): Promise<void> {
    const next = byId('next-page').dataset.cursor;
    if (next === undefined || next === '') return;
    this.cursorStack.push(this.currentAfter);
    await this.loadPage(next);
  }

  private async prevPage(): Promise<void> {
    if (this.cursorStack.length === 0) return;
    const previous = this.cursorStack.pop() ?? null;
    await this.loadPage(previous);
  }

  /** Reloads the page of the list currently shown. */
  async refresh(): Promise<void> {
    await Promise.all([this.loadPage(this.currentAfter), this.refreshAccount()]);
  }

  private async loadPage(after: string | null): Promise<void> {
    const client = this.client;
    const folderId = this.folderId;
    if (client === undefined || folderId === undefined) return;
    const result = await client.request(FolderPage, { folderId, first: PAGE_SIZE, after });
    if (!result.ok) {
      this.showFailure(result.failure);
      return;
    }
    const folder = result.data.folder;
    if (folder === null) return;
    this.currentAfter = after;
    const isRoot = folder.id === this.me?.rootFolderId;
    byId('folder-title').textContent = isRoot ? 'My documents' : (folder.name ?? folder.id);
    const parent = byId('parent-folder', HTMLButtonElement);
    parent.hidden = isRoot || folder.parentFolderId === null;
    parent.dataset.folderId = folder.parentFolderId ?? '';
    const rows = folder.contents.edges.map((edge) => this.row(edge));
    const body = byId('items');
    body.replaceChildren(...rows);
    byId('empty').hidden = rows.length > 0;
    const next = byId('next-page', HTMLButtonElement);
    next.disabled = !folder.contents.pageInfo.hasNextPage;
    next.dataset.cursor = folder.contents.pageInfo.endCursor ?? '';
    byId('prev-page', HTMLButtonElement).disabled = this.cursorStack.length === 0;
    byId('page-number').textContent = `Page ${String(this.cursorStack.length + 1)}`;
  }

  private row(edge: Edge): HTMLTableRowElement {
    const node = edge.node;
    if (node.__typename === 'FolderMetadata') {
      const open = el('button', { class: 'link', type: 'button', text: node.name ?? node.id });
      open.addEventListener('click', () => {
        void this.openFolder(node.id);
      });
      return el(
        'tr',
        { class: 'folder', 'data-name': node.name ?? '' },
        el('td', {}, open),
        el('td', { class: 'size', text: '—' }),
        el('td', { class: 'status', text: 'Folder' }),
        el('td', { class: 'creator', text: '' }),
        el('td', { class: 'versions', text: '' }),
        el('td', {}),
      );
    }
    return this.documentRow(node);
  }

  private documentRow(doc: UploadedDocument): HTMLTableRowElement {
    const version = doc.latestVersionMetadata;
    const name = version?.name ?? doc.id;
    const creator = doc.creator;
    const creatorName =
      creator === null
        ? '—'
        : [creator.givenName, creator.surname].filter(Boolean).join(' ') ||
          (creator.username ?? creator.id);
    const download = version?.source?.original;
    const actions = el('td', { class: 'actions' });
    // Only http(s) links: a URL from the server never becomes a javascript: link.
    if (download != null && /^https?:\/\//i.test(download)) {
      actions.append(
        el('a', { class: 'download', href: download, download: name, text: 'Download' }),
        ' ',
      );
    }
    const picker = el('input', { type: 'file', class: 'version-input', hidden: '' });
    const newVersion = el('button', { type: 'button', class: 'new-version', text: 'New version' });
    newVersion.addEventListener('click', () => {
      picker.click();
    });
    picker.addEventListener('change', () => {
      const file = picker.files?.[0];
      picker.value = '';
      if (file !== undefined) void this.upload(file, doc.id);
    });
    actions.append(newVersion, picker);
    return el(
      'tr',
      { class: 'document', 'data-name': name, 'data-document-id': doc.id },
      el('td', { class: 'name', text: name }),
      el('td', { class: 'size', text: formatSize(version?.size) }),
      el('td', { class: 'status', text: version?.status ?? '—' }),
      el('td', { class: 'creator', text: creatorName }),
      el('td', { class: 'versions', text: String(doc.versions.length) }),
      actions,
    );
  }

  /** Uploads one file (a new document in the open folder, or a new version of `documentId`). */
  async upload(file: File, documentId?: string): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    const controller = new AbortController();
    const progress = el('progress', { max: String(Math.max(file.size, 1)), value: '0' });
    const state = el('span', { class: 'state', text: 'Starting…' });
    const cancel = el('button', { type: 'button', class: 'cancel', text: 'Cancel' });
    const message = el('div', { class: 'message', hidden: '' });
    const item = el(
      'li',
      { class: 'upload', 'data-file': file.name, 'data-state': 'starting' },
      el('span', { class: 'file', text: `${file.name} (${formatSize(file.size)})` }),
      progress,
      state,
      cancel,
      message,
    );
    byId('uploads').prepend(item);
    cancel.addEventListener('click', () => {
      controller.abort();
      cancel.disabled = true;
      state.textContent = 'Cancelling…';
    });
    const result = await uploadDocument(file, {
      client,
      folderId: this.folderId,
      documentId,
      signal: controller.signal,
      onInitiated: ({ documentId: id }) => {
        item.dataset.documentId = id;
        item.dataset.state = 'uploading';
        state.textContent = 'Uploading…';
      },
      onProgress: ({ loaded, total }) => {
        progress.value = loaded;
        const percent = total === 0 ? 100 : Math.floor((loaded / total) * 100);
        item.dataset.percent = String(percent);
        if (loaded === total) state.textContent = 'Activating…';
        else state.textContent = `${String(percent)} %`;
      },
    });
    cancel.remove();
    if (result.ok) {
      item.dataset.state = 'done';
      item.dataset.documentId = result.document.id;
      state.textContent = `Uploaded · ${result.document.latestVersionMetadata?.status ?? ''}`;
      await this.refresh();
      return;
    }
    const error = result.error;
    item.dataset.state = error.kind === 'aborted' ? 'cancelled' : 'failed';
    state.textContent = error.kind === 'aborted' ? 'Cancelled' : 'Failed';
    const human = describeUploadError(error, file.name);
    renderMessage(message, human, error.kind === 'aborted' ? 'info' : 'error');
    if (error.kind === 'user-error') message.dataset.code = error.error.code;
    if (error.kind === 'gateway') this.showFailure(error.failure);
    await this.refresh();
  }
}

async function boot(): Promise<void> {
  let config: DemoConfig = { graphqlUrl: '/graphql', demoToken: null };
  try {
    const res = await fetch('config.json');
    if (res.ok) config = (await res.json()) as DemoConfig;
  } catch {
    // Served some other way: the defaults (same-origin /graphql, no demo token) apply.
  }
  new DemoPage(config).start();
}

void boot();
