/**
 * The gateway's HTTP server: an Apollo Server 5 subgraph (`buildSubgraphSchema` over
 * `schema/*.graphql` and the resolver map) served over node:http.
 *
 * Routes:
 * - `POST /graphql` and `POST /` — GraphQL. CSRF prevention is on (Apollo's default): clients send
 *   `Content-Type: application/json` (or an `apollo-require-preflight` header). CORS allows any
 *   origin (the WorkDocs token travels in `Authorization`, not in cookies).
 * - `GET /graphql`, `GET /` — GraphQL over GET (queries only), or, with `Accept: text/html` in
 *   development, the Apollo Sandbox landing page.
 * - `GET /health` — 200 `{"status":"ok"}`.
 *
 * Production (`NODE_ENV=production`): no landing page, no introspection, no stack traces, and the
 * messages of unexpected (INTERNAL_SERVER_ERROR) errors are replaced by a generic one.
 *
 * Every request gets its own `GatewayContext`: the bearer token, a `WorkDocsCaller` over the one
 * process-wide SDK client, and a child logger. Tokens and URLs are never logged.
 */
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import {
  GraphQLError,
  OperationTypeNode,
  parse,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type GraphQLUnionType,
} from 'graphql';
import { pino, type Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import type { ErrorCode } from '../generated/graphql.js';
import type { GatewayContext } from './context.js';
import { checkCost } from './cost.js';
import { ERROR_ROWS_BY_CODE, GatewayError, isWorkDocsExceptionName } from './errors.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { isValidTokenLength } from './validation.js';
import {
  createWorkDocsClient,
  WorkDocsCaller,
  type WorkDocsCredentials,
} from './workdocs-client.js';

/** The largest request body accepted (bytes); larger → 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

const SCHEMA_DIR = new URL('../../schema/', import.meta.url);

/** The SDL of the subgraph: every `schema/*.graphql`, in name order. */
export function loadTypeDefs(): string {
  return readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(new URL(f, SCHEMA_DIR), 'utf8'))
    .join('\n');
}

export interface GatewayServerOptions {
  logger?: Logger | undefined;
  /** Explicit AWS credentials for the SDK; undefined = the standard AWS credential chain. */
  credentials?: WorkDocsCredentials | undefined;
  /**
   * What the Sandbox landing page opens with (development only): an operation, its variables and
   * headers — `main.ts` fills in the demo token when it runs the embedded WorkDocs Local.
   */
  sandbox?: SandboxInitialState | undefined;
}

export interface SandboxInitialState {
  document?: string;
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface GatewayServer {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** `Authorization: Bearer <token>` → the token; undefined when absent; throws when malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  const token = match?.[1];
  if (token === undefined || !isValidTokenLength(token)) {
    throw new GraphQLError(
      'Malformed Authorization header: send your WorkDocs token as `Authorization: Bearer <token>` (1 to 8199 characters).',
      {
        extensions: {
          code: 'UNAUTHENTICATED',
          requestId: null,
          httpStatus: 401,
          retryable: false,
          http: { status: 401 },
        },
      },
    );
  }
  return token;
}

/**
 * Wraps `Query._entities` so that a representation this subgraph cannot resolve (not an object, no
 * string `__typename`, or a type that is not one of its entities) is the caller's BAD_USER_INPUT,
 * naming the representation, before any upstream call — `@apollo/subgraph` itself would throw a
 * plain Error (an INTERNAL_SERVER_ERROR whose message production hides).
 */
function guardEntityRepresentations(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()._entities;
  // Duck-typed: under vitest, @apollo/subgraph's graphql-js is another copy than ours (no instanceof).
  const entityUnion = schema.getType('_Entity') as Partial<GraphQLUnionType> | undefined;
  const inner = field?.resolve;
  if (field === undefined || inner === undefined || typeof entityUnion?.getTypes !== 'function') {
    return;
  }
  const entityNames = entityUnion.getTypes().map((t) => t.name);
  const names = new Set(entityNames);
  field.resolve = (source, args: { representations?: unknown }, context, info) => {
    const representations = Array.isArray(args.representations) ? args.representations : [];
    representations.forEach((rep: unknown, i) => {
      const typename =
        typeof rep === 'object' && rep !== null && !Array.isArray(rep)
          ? (rep as { __typename?: unknown }).__typename
          : undefined;
      if (typeof typename === 'string' && names.has(typename)) return;
      const what =
        typeof typename === 'string'
          ? `its __typename ${JSON.stringify(typename)} is not an entity of this subgraph`
          : 'it is not an object with a string __typename';
      throw new GraphQLError(
        `representations[${String(i)}]: ${what}; entities: ${entityNames.join(', ')}`,
        {
          extensions: {
            code: 'BAD_USER_INPUT',
            requestId: null,
            httpStatus: 400,
            retryable: false,
          },
        },
      );
    });
    return inner(source, args, context, info);
  };
}

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && ERROR_ROWS_BY_CODE.has(code as ErrorCode);
}

/** Apollo `formatError`: complete the extensions of our codes; hide internals in production. */
function makeFormatError(production: boolean, log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    let original: unknown = unwrapResolverError(error);
    while (original instanceof GraphQLError && original.originalError !== undefined) {
      original = original.originalError;
    }
    const extensions: Record<string, unknown> = { ...formatted.extensions };
    const code = extensions.code;
    let message = formatted.message;
    // Apollo Server's own refusals of a malformed request (e.g. a persisted-query hash that does
    // not match its query) carry a 4xx status but no code, so Apollo labels them
    // INTERNAL_SERVER_ERROR: they are the client's BAD_REQUEST, like Apollo's coded refusals.
    const status = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions
      ?.http?.status;
    if (
      code === 'INTERNAL_SERVER_ERROR' &&
      !(original instanceof GatewayError) &&
      typeof status === 'number' &&
      status >= 400 &&
      status < 500
    ) {
      const { stacktrace } = extensions;
      return {
        ...formatted,
        extensions: {
          code: 'BAD_REQUEST',
          ...(production || stacktrace === undefined ? {} : { stacktrace }),
        },
      };
    }
    if (isErrorCode(code)) {
      const row = ERROR_ROWS_BY_CODE.get(code);
      extensions.requestId ??= null;
      extensions.httpStatus ??= row?.httpStatus ?? 500;
      extensions.retryable ??= row?.retryable ?? false;
    }
    if (code === 'INTERNAL_SERVER_ERROR') {
      log.error(
        { err: original instanceof GatewayError ? original.cause : original },
        'internal error',
      );
      if (production) message = 'Internal server error';
    } else if (
      production &&
      original instanceof GatewayError &&
      original.exceptionName !== undefined &&
      !isWorkDocsExceptionName(original.exceptionName)
    ) {
      // An upstream failure outside the model (a proxy's 5xx, throttling): its text stays in logs.
      message = 'WorkDocs is unavailable; retry later';
    }
    if (production) delete extensions.stacktrace;
    return { ...formatted, message, extensions };
  };
}

function corsHeaders(res: http.ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader(
    'Access-Control-Allow-Headers',
    'Authorization, Content-Type, Apollo-Require-Preflight, X-Apollo-Operation-Name, Apollo-Federation-Include-Trace',
  );
  res.setHeader('Access-Control-Max-Age', '600');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    // Past the limit, keep draining (so the client reads the 413 instead of a reset), up to 16×.
    if (size <= MAX_BODY_BYTES) chunks.push(buf);
    else if (size > 16 * MAX_BODY_BYTES) break;
  }
  if (size > MAX_BODY_BYTES) {
    throw new HttpError(413, `Request body larger than ${String(MAX_BODY_BYTES)} bytes`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON body when the content type says JSON; other bodies are left to Apollo's checks. */
async function parseBody(req: http.IncomingMessage): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const text = await readBody(req);
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (!contentType.includes('json')) return text;
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON');
  }
}

export async function createGatewayServer(
  config: GatewayConfig,
  options: GatewayServerOptions = {},
): Promise<GatewayServer> {
  const log =
    options.logger ?? pino({ level: config.logLevel, redact: ['req.headers.authorization'] });
  const client = createWorkDocsClient({
    endpoint: config.workdocsEndpoint,
    region: config.region,
    maxSockets: config.maxSockets,
    credentials: options.credentials,
  });

  const schema = buildSubgraphSchema([
    {
      typeDefs: parse(loadTypeDefs()),
      resolvers: resolvers as GraphQLResolverMap<unknown>,
    },
  ]);

  guardEntityRepresentations(schema);

  const httpServer = http.createServer();
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    introspection: !config.production,
    includeStacktraceInErrorResponses: !config.production,
    formatError: makeFormatError(config.production, log),
    logger: log,
    // The owner of the process (main.ts) handles SIGINT/SIGTERM and calls close().
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      {
        // Refuse operations whose nested lists multiply beyond GATEWAY_MAX_QUERY_COST (cost.ts).
        requestDidStart: () =>
          Promise.resolve({
            didResolveOperation: ({ document, operation, request }) => {
              if (operation?.operation === OperationTypeNode.SUBSCRIPTION) {
                // graphql-js 16 only notices at execution (an untyped error); v17 validates it.
                throw new GraphQLError(
                  'This subgraph has no subscriptions (no Subscription type).',
                  {
                    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
                  },
                );
              }
              if (operation) {
                checkCost(
                  schema,
                  document,
                  operation,
                  request.variables ?? {},
                  config.maxQueryCost,
                );
              }
              return Promise.resolve();
            },
          }),
      },
      config.production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({
            embed: true,
            ...(options.sandbox ?? {}),
          }),
    ],
  });
  await apollo.start();

  function createContext(req: http.IncomingMessage): Promise<GatewayContext> {
    const authenticationToken = bearerToken(req.headers.authorization);
    const requestLog = log.child({ reqId: req.headers['x-request-id'] ?? undefined });
    const workdocs = new WorkDocsCaller(client, {
      authenticationToken,
      allowServiceCredentials: config.allowServiceCredentials,
      timeoutMs: config.timeoutMs,
      maxConcurrentCalls: config.maxConcurrentUpstreamCalls,
      log: requestLog,
    });
    return Promise.resolve({
      authenticationToken,
      workdocs,
      loaders: createLoaders({
        workdocs,
        authenticationToken,
      }),
      log: requestLog,
    });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    corsHeaders(res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (url.pathname === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(res, 405, { error: 'Use GET /health' });
        return;
      }
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (url.pathname !== '/graphql' && url.pathname !== '/') {
      sendJson(res, 404, { error: `Not found: ${url.pathname}. GraphQL is at /graphql.` });
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const body = await parseBody(req);
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: (req.method ?? 'GET').toUpperCase(),
        headers,
        search: url.search,
        body,
      },
      context: () => createContext(req),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) {
        // BAD_REQUEST, as Apollo Server itself answers malformed requests.
        if (!res.headersSent) {
          sendJson(res, err.status, {
            errors: [{ message: err.message, extensions: { code: 'BAD_REQUEST' } }],
          });
        } else res.end();
        return;
      }
      log.error({ err }, 'request failed');
      if (!res.headersSent) {
        sendJson(res, 500, {
          errors: [
            { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
          ],
        });
      } else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${String(address.port)}/graphql`;
  log.info({ url }, 'gateway listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    close() {
      closing ??= (async () => {
        await apollo.stop();
        client.destroy();
      })();
      return closing;
    },
  };
}
