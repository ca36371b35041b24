#!/usr/bin/env node
/**
 * The CLI entry and composition root (`npm start`, bin `workdocs-graphql`).
 *
 * - `WORKDOCS_ENDPOINT` unset: starts the embedded WorkDocs Local (its `WORKDOCS_LOCAL_*`
 *   variables) and points the gateway at it with its key pair.
 * - `WORKDOCS_ENDPOINT` set: the gateway calls that endpoint with the standard AWS credential
 *   provider chain (environment, shared config/SSO, container or instance role).
 *
 * Prints the GraphQL URL, the Sandbox URL, WorkDocs Local's endpoint and demo token, and a curl
 * example. Stops gracefully on SIGINT/SIGTERM (gateway first, then WorkDocs Local).
 * Exit codes: 0 normal stop, 1 start-up failure, 2 invalid configuration or arguments.
 *
 * This is the only module of the gateway side that imports WorkDocs Local.
 */
import { pino } from 'pino';
import {
  ConfigError,
  loadGatewayConfig,
  loadWorkDocsLocalConfig,
  type GatewayConfig,
  type WorkDocsLocalConfig,
} from './config.js';
import {
  createGatewayServer,
  type GatewayServer,
  type SandboxInitialState,
} from './gateway/server.js';
import type { WorkDocsLocal } from './workdocs-local/index.js';

const HELP = `workdocs-graphql — a GraphQL (Apollo Federation 2) gateway over the Amazon WorkDocs API

Usage: workdocs-graphql [--help]        (npm start)

Without WORKDOCS_ENDPOINT it starts the embedded WorkDocs Local and prints a demo token.
Configuration is read from environment variables only:

Gateway
  PORT                                   gateway port (default 4000; 0 = any free port)
  HOST                                   gateway listen address (default 127.0.0.1; 0.0.0.0 for all)
  NODE_ENV                               development | production | test (default development);
                                         production: no Sandbox, no introspection, no stack traces
  WORKDOCS_ENDPOINT                      a WorkDocs-compatible http(s) URL; unset = start the embedded WorkDocs Local
  WORKDOCS_REGION                        AWS region of the SDK client (default us-east-1)
  WORKDOCS_TIMEOUT_MS                    deadline of every WorkDocs call, retries included (default 10000, at most 2147483647)
  WORKDOCS_MAX_SOCKETS                   keep-alive socket pool of the SDK client (default 128)
  WORKDOCS_ALLOW_SERVICE_CREDENTIALS     true = a request without \`Authorization: Bearer <token>\` is sent
                                         with the gateway's own AWS credentials (default false: refused
                                         with UNAUTHENTICATED)
  GATEWAY_MAX_CONCURRENT_UPSTREAM_CALLS  cap on concurrent WorkDocs calls of one GraphQL request (default 16)
  GATEWAY_MAX_QUERY_COST                 largest estimated size (field values) of one operation; nested lists
                                         multiply (default 200000; larger → BAD_USER_INPUT, HTTP 400)
  GATEWAY_MAX_UPSTREAM_CALLS             most WorkDocs calls (retries included) of one GraphQL request (default 1000;
                                         further calls are not sent: REQUEST_BUDGET_EXCEEDED)
  GATEWAY_MAX_ITEMS_READ                 most items (documents, folders, versions, users) one request may read (default 20000)
  GATEWAY_REQUEST_TIMEOUT_MS             deadline of a whole GraphQL request; its WorkDocs calls are then aborted
                                         (default 30000, at most 2147483647; REQUEST_TIMEOUT)
  GATEWAY_CURSOR_KEY                     key (32+ characters) that signs paging cursors; default: random per process —
                                         set the same key on every replica behind one load balancer
  GATEWAY_CORS_ORIGINS                   origins browsers may call from, comma-separated (https://app.example.com), or *;
                                         default: * in development, none in production. With
                                         WORKDOCS_ALLOW_SERVICE_CREDENTIALS=true a request with an Origin not
                                         listed explicitly is refused (403)
  GATEWAY_MAX_ALIASES                    most aliases in one operation (default 15; more → GRAPHQL_VALIDATION_FAILED, 400)
  GATEWAY_MAX_DEPTH                      deepest nesting of fields, fragments flattened (default 12; deeper → 400)
  GATEWAY_MAX_TOKENS                     most tokens in one GraphQL document (default 2000; more → GRAPHQL_PARSE_FAILED, 400)
  GATEWAY_MAX_DIRECTIVES                 most directives in one operation (default 50; more → GRAPHQL_VALIDATION_FAILED, 400)
  GATEWAY_READY_CACHE_MS                 how long GET /ready reuses its WorkDocs probe (default 2000)
  GATEWAY_METRICS_MAX_OPERATION_NAMES    distinct operation names that become metric labels (default 100;
                                         later names are counted as (other))
  GATEWAY_METRICS_OPERATION_NAMES        comma-separated operation names: when set, the ONLY names that
                                         become metric labels (others are (other))
  LOG_LEVEL                              fatal | error | warn | info | debug | trace | silent (default info)
  OTEL_EXPORTER_OTLP_ENDPOINT            OpenTelemetry: send spans (OTLP/HTTP) to <endpoint>/v1/traces;
                                         unset = tracing off (the embedded WorkDocs Local traces too)
  OTEL_SERVICE_NAME                      service.name of the gateway's spans (default workdocs-graphql)

Embedded WorkDocs Local (only when WORKDOCS_ENDPOINT is unset)
  WORKDOCS_LOCAL_PORT                    port (default 4100)
  WORKDOCS_LOCAL_HOST                    listen address (default 127.0.0.1)
  WORKDOCS_LOCAL_DATA_DIR                SQLite database and file bytes (default .workdocs-local)
  WORKDOCS_LOCAL_DEMO_TOKEN              the demo user's token (default: generated once, kept in the data dir)
  WORKDOCS_LOCAL_ACCESS_KEY_ID           the administrator's SigV4 key pair, set both or neither (default:
  WORKDOCS_LOCAL_SECRET_ACCESS_KEY       generated on first start, kept in <data dir>/admin-keys.json, mode 0600)
  WORKDOCS_LOCAL_REGION                  the region it signs for (default us-east-1)
  WORKDOCS_LOCAL_CHAOS                   true = enable the fault-injection API /_local/chaos (default false)
  WORKDOCS_LOCAL_UPLOAD_URL_TTL_SECONDS  lifetime of upload/download URLs (default 900)
  WORKDOCS_LOCAL_FOLDER_CHILD_LIMIT      children per folder before LimitExceededException (default 10000)
  WORKDOCS_LOCAL_PUBLIC_URL              base URL put in upload/download URLs (default: its own address)
  WORKDOCS_LOCAL_DEFAULT_STORAGE_BYTES   storage quota of new users in bytes (default: unlimited)
  WORKDOCS_LOCAL_DATABASE_URL            postgres://… = metadata in PostgreSQL, shared by several nodes
                                         (default: SQLite in the data dir)
  WORKDOCS_LOCAL_UPLOAD_LEASE_SECONDS    an upload not heard of for this long may be cleaned up by
                                         any node (default 300)
  WORKDOCS_LOCAL_MAX_UPLOAD_BYTES        largest upload in bytes (default 53687091200 = 50 GiB)
  WORKDOCS_LOCAL_HEADERS_TIMEOUT_SECONDS time a client may take to send request headers (default 20)
  WORKDOCS_LOCAL_BODY_IDLE_TIMEOUT_SECONDS
                                         longest pause while a request body is received (default 60)
  WORKDOCS_LOCAL_MAX_CONNECTIONS         concurrent connections; more are closed (default 1024)

With WORKDOCS_ENDPOINT set, AWS credentials come from the standard chain (AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, container or instance roles).

Exit codes: 0 stopped, 1 start-up failure, 2 invalid configuration or arguments.
`;

/** The operation the Sandbox opens with when the embedded WorkDocs Local runs: ready to run. */
function demoSandbox(local: WorkDocsLocal): SandboxInitialState {
  return {
    document: `# Step 1 of an upload. Run it, then PUT the file to uploadUrl with signedHeaders,
# then call completeDocumentVersionUpload with the document and version ids.
mutation Initiate($input: InitiateDocumentVersionUploadInput!) {
  initiateDocumentVersionUpload(input: $input) {
    __typename
    ... on InitiateDocumentVersionUploadPayload {
      metadata { id latestVersionMetadata { id name size status } }
      uploadMetadata { uploadUrl signedHeaders { name value } }
    }
    ... on UserError { code message }
  }
}
`,
    variables: {
      input: {
        name: 'hello.txt',
        contentType: 'text/plain',
        documentSizeInBytes: 12,
        parentFolderId: local.demoRootFolderId,
      },
    },
    headers: { Authorization: `Bearer ${local.demoToken}` },
  };
}

/** The banner printed once both servers listen. */
function banner(
  gateway: GatewayServer,
  local: WorkDocsLocal | undefined,
  production: boolean,
): string {
  const sandbox = `https://studio.apollographql.com/sandbox/explorer?endpoint=${encodeURIComponent(gateway.url)}`;
  const lines = [
    '',
    `  GraphQL     ${gateway.url}`,
    `  Sandbox     ${gateway.url}  (open in a browser; or ${sandbox})`,
    `  Health      ${gateway.url.replace(/\/graphql$/, '/health')}`,
  ];
  if (!production) lines.push(`  Demo page   ${gateway.url.replace(/\/graphql$/, '/demo/')}`);
  if (local === undefined) {
    lines.push('  WorkDocs    the configured WORKDOCS_ENDPOINT (AWS credential chain)');
  } else {
    const query =
      'mutation { initiateDocumentVersionUpload(input: { name: \\"hello.txt\\", contentType: \\"text/plain\\", ' +
      `documentSizeInBytes: 12, parentFolderId: \\"${local.demoRootFolderId}\\" }) { __typename ` +
      '... on InitiateDocumentVersionUploadPayload { metadata { id latestVersionMetadata { id status } } ' +
      'uploadMetadata { uploadUrl signedHeaders { name value } } } ... on UserError { code message } } }';
    lines.push(
      `  WorkDocs    WorkDocs Local at ${local.endpoint} (data in ${local.dataDir})`,
      `  Admin keys  ${local.adminKeysFile ?? 'as configured'} (the administrator's SigV4 key pair)`,
      `  Demo token  ${local.demoToken}`,
      `  Root folder ${local.demoRootFolderId}`,
      '',
      '  The Sandbox opens with a ready initiateDocumentVersionUpload and the demo token header.',
      '',
      '  Try it:',
      `  curl -s ${gateway.url} \\`,
      `    -H 'Content-Type: application/json' \\`,
      `    -H 'Authorization: Bearer ${local.demoToken}' \\`,
      `    -d '{"query":"${query}"}'`,
    );
  }
  lines.push('', '  Ctrl-C stops.', '');
  return lines.join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const args = argv.filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.length > 0) {
    process.stderr.write(`Unknown argument: ${args.join(' ')}\n\n${HELP}`);
    return 2;
  }

  let config: GatewayConfig;
  let localConfig: WorkDocsLocalConfig | undefined;
  try {
    config = loadGatewayConfig();
    if (config.workdocsEndpoint === undefined) localConfig = loadWorkDocsLocalConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n\nRun with --help for the list of variables.\n`);
      return 2;
    }
    throw err;
  }

  // Log lines (an access line per request) are written asynchronously, in batches of at least
  // 4 KiB or every 250 ms, whichever comes first; pino flushes what is left at exit (a SIGKILL
  // loses at most that batch). Each write wakes a libuv thread on the gateway's core: a write per
  // line cost ~110 µs of CPU per request for `folder.contents` at 500 req/s
  // (`npm run bench:profile -- --query=contents`, LOG_LEVEL info vs warn); synchronous writes
  // ~4% of the CPU of `npm run bench -- --only=throughput`.
  const log = pino(
    { level: config.logLevel },
    pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 }),
  );
  let local: WorkDocsLocal | undefined;
  let gateway: GatewayServer | undefined;
  try {
    if (localConfig !== undefined) {
      // Loaded only when it runs: with WORKDOCS_ENDPOINT set, WorkDocs Local's modules (SQLite,
      // storage, HTTP front) would add ~45 MiB to the gateway's resident memory for nothing.
      const { startWorkDocsLocal } = await import('./workdocs-local/index.js');
      local = await startWorkDocsLocal({
        ...localConfig,
        // OTEL_SERVICE_NAME names the gateway; the embedded WorkDocs Local keeps its own name.
        serviceName: 'workdocs-local',
        logger: log.child({ name: 'local' }),
      });
      gateway = await createGatewayServer(
        { ...config, workdocsEndpoint: local.endpoint, region: local.region },
        {
          logger: log.child({ name: 'gateway' }),
          credentials: { accessKeyId: local.accessKeyId, secretAccessKey: local.secretAccessKey },
          sandbox: demoSandbox(local),
          demo: { token: local.demoToken },
        },
      );
    } else {
      gateway = await createGatewayServer(config, { logger: log.child({ name: 'gateway' }) });
    }
  } catch (err) {
    process.stderr.write(`Could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    await local?.close().catch(() => undefined);
    return 1;
  }

  process.stdout.write(banner(gateway, local, config.production));

  const started = gateway;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.stderr.write(`${signal} again: exiting now\n`);
        resolve(1);
        return;
      }
      stopping = true;
      log.info({ signal }, 'stopping');
      void (async () => {
        let code = 0;
        try {
          await started.close();
        } catch (err) {
          log.error({ err }, 'gateway did not stop cleanly');
          code = 1;
        }
        try {
          await local?.close();
        } catch (err) {
          log.error({ err }, 'WorkDocs Local did not stop cleanly');
          code = 1;
        }
        resolve(code);
      })();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(
      `Fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
