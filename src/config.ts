/**
 * The one place that reads the environment. Every variable is validated here; a bad value stops
 * the process with a message naming the variable (see `ConfigError`).
 */
import { z } from 'zod';

/** Thrown for an invalid environment; `main` prints `message` and exits non-zero. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

const port = z.coerce.number().int().min(0).max(65535);
/** An http(s) URL (`localhost:4100` parses as a URL of scheme `localhost:` — refused). */
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });
const positiveInt = z.coerce.number().int().positive();
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** OpenTelemetry (both parts): tracing is on when the OTLP endpoint is set. */
const otelSchema = {
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .transform((v) => (v.trim() === '' ? undefined : v))
    .pipe(httpUrl.optional())
    .optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(256).optional(),
};

/** Whole seconds from 1 to 24 hours (a timeout of WorkDocs Local's HTTP front). */
const seconds = z.coerce.number().int().min(1).max(86_400);

const workdocsLocalSchema = z.object({
  WORKDOCS_LOCAL_PORT: port.default(4100),
  WORKDOCS_LOCAL_HOST: z.string().min(1).default('127.0.0.1'),
  WORKDOCS_LOCAL_DATA_DIR: z.string().min(1).default('.workdocs-local'),
  WORKDOCS_LOCAL_DEMO_TOKEN: z.string().min(1).max(8199).optional(),
  // Unset: a random pair generated on first start and kept in the data dir (see workdocs-local/keys.ts).
  WORKDOCS_LOCAL_ACCESS_KEY_ID: z.string().min(1).max(128).optional(),
  WORKDOCS_LOCAL_SECRET_ACCESS_KEY: z.string().min(1).max(128).optional(),
  WORKDOCS_LOCAL_REGION: z.string().min(1).default('us-east-1'),
  WORKDOCS_LOCAL_CHAOS: bool.default(false),
  WORKDOCS_LOCAL_UPLOAD_URL_TTL_SECONDS: positiveInt.default(900),
  WORKDOCS_LOCAL_FOLDER_CHILD_LIMIT: positiveInt.default(10_000),
  WORKDOCS_LOCAL_PUBLIC_URL: httpUrl.optional(),
  WORKDOCS_LOCAL_DEFAULT_STORAGE_BYTES: z.coerce.number().int().min(0).optional(),
  WORKDOCS_LOCAL_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/i, 'expected a postgres:// or postgresql:// URL')
    .optional(),
  WORKDOCS_LOCAL_UPLOAD_LEASE_SECONDS: positiveInt.max(86_400).default(300),
  WORKDOCS_LOCAL_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(Number.MAX_SAFE_INTEGER)
    .default(50 * 1024 ** 3),
  WORKDOCS_LOCAL_HEADERS_TIMEOUT_SECONDS: seconds.default(20),
  WORKDOCS_LOCAL_BODY_IDLE_TIMEOUT_SECONDS: seconds.default(60),
  WORKDOCS_LOCAL_MAX_CONNECTIONS: positiveInt.max(1_000_000).default(1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  ...otelSchema,
});

export interface WorkDocsLocalConfig {
  port: number;
  host: string;
  dataDir: string;
  demoToken: string | undefined;
  /**
   * The administrator's SigV4 key pair. Both undefined: a random pair generated on first start and
   * kept in the data dir (`admin-keys.json`, mode 0600).
   */
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  region: string;
  chaos: boolean;
  uploadUrlTtlSeconds: number;
  folderChildLimit: number;
  /** The base URL put in upload/download URLs; defaults to the address it listens on. */
  publicUrl: string | undefined;
  /** The storage quota of new users in bytes; undefined = UNLIMITED. */
  defaultStorageBytes: number | undefined;
  /**
   * PostgreSQL for the metadata (`postgres://…`), shared by several nodes; undefined = the
   * embedded SQLite file in the data dir.
   */
  databaseUrl: string | undefined;
  /**
   * How long an upload stays alive without news from the node receiving it; after that any node
   * may delete its bytes (the receiving node renews it every quarter of it).
   */
  uploadLeaseSeconds: number;
  /** The largest upload (one version's bytes), refused at initiate and at the PUT. */
  maxUploadBytes: number;
  /** Seconds a client may take to send a request's headers. */
  headersTimeoutSeconds: number;
  /** Seconds a request may stay idle (no bytes) while its body is being received. */
  bodyIdleTimeoutSeconds: number;
  /** Concurrent connections; more are closed at once. */
  maxConnections: number;
  /** Default: LOG_LEVEL, else `silent` under vitest, else `info`. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`: where spans go (OTLP/HTTP); undefined = tracing off. */
  otlpEndpoint?: string | undefined;
  /** `OTEL_SERVICE_NAME`; default `workdocs-local`. */
  serviceName?: string | undefined;
}

const gatewaySchema = z.object({
  PORT: port.default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  WORKDOCS_ENDPOINT: httpUrl.optional(),
  WORKDOCS_REGION: z.string().min(1).default('us-east-1'),
  // A Node timer waits at most 2^31 - 1 ms; a larger value would fire at once (every call timing out).
  WORKDOCS_TIMEOUT_MS: positiveInt.max(2_147_483_647).default(10_000),
  WORKDOCS_MAX_SOCKETS: positiveInt.default(128),
  WORKDOCS_ALLOW_SERVICE_CREDENTIALS: bool.default(false),
  GATEWAY_MAX_CONCURRENT_UPSTREAM_CALLS: positiveInt.default(16),
  GATEWAY_MAX_QUERY_COST: positiveInt.default(200_000),
  GATEWAY_MAX_UPSTREAM_CALLS: positiveInt.default(1000),
  GATEWAY_MAX_ITEMS_READ: positiveInt.default(20_000),
  GATEWAY_REQUEST_TIMEOUT_MS: positiveInt.max(2_147_483_647).default(30_000),
  GATEWAY_CURSOR_KEY: z.string().min(32, 'at least 32 characters').optional(),
  GATEWAY_CORS_ORIGINS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
    )
    .pipe(
      z.array(
        z.union([
          z.literal('*'),
          z
            .string()
            .regex(/^https?:\/\/[^/\s,]+$/, 'expected origins like https://app.example.com or *'),
        ]),
      ),
    )
    .optional(),
  GATEWAY_MAX_ALIASES: positiveInt.default(15),
  GATEWAY_MAX_DEPTH: positiveInt.default(12),
  GATEWAY_MAX_TOKENS: positiveInt.default(2000),
  GATEWAY_MAX_DIRECTIVES: positiveInt.default(50),
  GATEWAY_READY_CACHE_MS: positiveInt.max(3_600_000).default(2000),
  GATEWAY_METRICS_MAX_OPERATION_NAMES: z.coerce.number().int().min(0).max(10_000).default(100),
  GATEWAY_METRICS_OPERATION_NAMES: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== ''),
    )
    .pipe(
      z.array(
        z.string().regex(/^[_A-Za-z][_0-9A-Za-z]{0,63}$/, 'expected GraphQL operation names'),
      ),
    )
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ...otelSchema,
});

export interface GatewayConfig {
  port: number;
  host: string;
  /** `production` hides stack traces and disables the Sandbox landing page and introspection. */
  production: boolean;
  /** A WorkDocs-compatible endpoint; undefined means "start the embedded WorkDocs Local". */
  workdocsEndpoint: string | undefined;
  region: string;
  /** The deadline of every WorkDocs call, retries included. */
  timeoutMs: number;
  /** The keep-alive socket pool size of the one SDK client. */
  maxSockets: number;
  /** Whether a request without a user token may use the gateway's own AWS credentials. */
  allowServiceCredentials: boolean;
  /** The cap on concurrent upstream calls one GraphQL request makes. */
  maxConcurrentUpstreamCalls: number;
  /** The largest estimated cost (field values) of one operation; see `gateway/cost.ts`. */
  maxQueryCost: number;
  /** The most WorkDocs calls (attempts) of one GraphQL request. */
  maxUpstreamCalls: number;
  /** The most items (documents, folders, versions, users) one GraphQL request may read. */
  maxItemsRead: number;
  /** The deadline of a whole GraphQL request. */
  requestTimeoutMs: number;
  /** The key cursors are signed with; undefined = a random key per process. */
  cursorKey: string | undefined;
  /** Origins browsers may call from (`*` = any); undefined = any in development, none in production. */
  corsOrigins: string[] | undefined;
  /** The most aliases of one operation (graphql-armor). */
  maxAliases: number;
  /** The deepest nesting of fields of one operation, fragments flattened (graphql-armor). */
  maxDepth: number;
  /** The most tokens of one GraphQL document (graphql-armor). */
  maxTokens: number;
  /** The most directives of one operation (graphql-armor). */
  maxDirectives: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** How long `GET /ready` reuses the result of its WorkDocs probe (ms). */
  readyCacheMs: number;
  /** Without an allow-list: how many distinct operation names become metric labels. */
  metricsMaxOperationNames: number;
  /** When non-empty: the only operation names that become metric labels. */
  metricsOperationNames: readonly string[] | undefined;
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`: where spans go (OTLP/HTTP); undefined = tracing off. */
  otlpEndpoint: string | undefined;
  /** `OTEL_SERVICE_NAME`; default `workdocs-graphql`. */
  serviceName: string | undefined;
}

function parse<T extends z.ZodType>(schema: T, env: Env): z.output<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) =>
        `  ${issue.path.join('.')}: ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

export function loadWorkDocsLocalConfig(env: Env = process.env): WorkDocsLocalConfig {
  const e = parse(workdocsLocalSchema, env);
  if (
    (e.WORKDOCS_LOCAL_ACCESS_KEY_ID === undefined) !==
    (e.WORKDOCS_LOCAL_SECRET_ACCESS_KEY === undefined)
  ) {
    throw new ConfigError(
      'Invalid configuration:\n  WORKDOCS_LOCAL_ACCESS_KEY_ID and WORKDOCS_LOCAL_SECRET_ACCESS_KEY are set together or not at all',
    );
  }
  return {
    port: e.WORKDOCS_LOCAL_PORT,
    host: e.WORKDOCS_LOCAL_HOST,
    dataDir: e.WORKDOCS_LOCAL_DATA_DIR,
    demoToken: e.WORKDOCS_LOCAL_DEMO_TOKEN,
    accessKeyId: e.WORKDOCS_LOCAL_ACCESS_KEY_ID,
    secretAccessKey: e.WORKDOCS_LOCAL_SECRET_ACCESS_KEY,
    region: e.WORKDOCS_LOCAL_REGION,
    chaos: e.WORKDOCS_LOCAL_CHAOS,
    uploadUrlTtlSeconds: e.WORKDOCS_LOCAL_UPLOAD_URL_TTL_SECONDS,
    folderChildLimit: e.WORKDOCS_LOCAL_FOLDER_CHILD_LIMIT,
    publicUrl: e.WORKDOCS_LOCAL_PUBLIC_URL,
    defaultStorageBytes: e.WORKDOCS_LOCAL_DEFAULT_STORAGE_BYTES,
    databaseUrl: e.WORKDOCS_LOCAL_DATABASE_URL,
    uploadLeaseSeconds: e.WORKDOCS_LOCAL_UPLOAD_LEASE_SECONDS,
    maxUploadBytes: e.WORKDOCS_LOCAL_MAX_UPLOAD_BYTES,
    headersTimeoutSeconds: e.WORKDOCS_LOCAL_HEADERS_TIMEOUT_SECONDS,
    bodyIdleTimeoutSeconds: e.WORKDOCS_LOCAL_BODY_IDLE_TIMEOUT_SECONDS,
    maxConnections: e.WORKDOCS_LOCAL_MAX_CONNECTIONS,
    logLevel: e.LOG_LEVEL ?? (env.VITEST !== undefined ? 'silent' : 'info'),
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: e.OTEL_SERVICE_NAME,
  };
}

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  const e = parse(gatewaySchema, env);
  return {
    port: e.PORT,
    host: e.HOST,
    production: e.NODE_ENV === 'production',
    workdocsEndpoint: e.WORKDOCS_ENDPOINT,
    region: e.WORKDOCS_REGION,
    timeoutMs: e.WORKDOCS_TIMEOUT_MS,
    maxSockets: e.WORKDOCS_MAX_SOCKETS,
    allowServiceCredentials: e.WORKDOCS_ALLOW_SERVICE_CREDENTIALS,
    maxConcurrentUpstreamCalls: e.GATEWAY_MAX_CONCURRENT_UPSTREAM_CALLS,
    maxQueryCost: e.GATEWAY_MAX_QUERY_COST,
    maxUpstreamCalls: e.GATEWAY_MAX_UPSTREAM_CALLS,
    maxItemsRead: e.GATEWAY_MAX_ITEMS_READ,
    requestTimeoutMs: e.GATEWAY_REQUEST_TIMEOUT_MS,
    cursorKey: e.GATEWAY_CURSOR_KEY,
    corsOrigins: e.GATEWAY_CORS_ORIGINS,
    maxAliases: e.GATEWAY_MAX_ALIASES,
    maxDepth: e.GATEWAY_MAX_DEPTH,
    maxTokens: e.GATEWAY_MAX_TOKENS,
    maxDirectives: e.GATEWAY_MAX_DIRECTIVES,
    logLevel: e.LOG_LEVEL,
    readyCacheMs: e.GATEWAY_READY_CACHE_MS,
    metricsMaxOperationNames: e.GATEWAY_METRICS_MAX_OPERATION_NAMES,
    metricsOperationNames: e.GATEWAY_METRICS_OPERATION_NAMES,
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: e.OTEL_SERVICE_NAME,
  };
}
