/**
 * The request handler of WorkDocs Local: routes the control plane (`/_local/...`), the signed
 * upload/download URLs (`/_upload/...`, `/_download/...`) and the WorkDocs API, which it
 * dispatches by the model (SigV4, `Authentication` token, input binding and validation).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTROL, DOWNLOAD, UPLOAD } from '../control/metrics.js';
import { observeRequest, type RequestRecord } from '../control/observe.js';
import { CONTROL_PREFIX, ControlPlane } from '../control/plane.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from '../../observability/process-metrics.js';
import { WorkDocsError } from '../errors.js';
import { bindInput, matchRoute, parseQuery, pathKnown, toWire, validateInput } from '../model.js';
import { outputViolations } from '../model/output-check.js';
import { handlers, runOperation } from '../operations/index.js';
import { handleTransfer, isTransferPath } from '../transfers/routes.js';
import { UPLOAD_PREFIX } from '../transfers/urls.js';
import type { ServerDeps } from './deps.js';
import { HttpError, MAX_API_BODY, readBody, sendError, sendJson } from './respond.js';
import { verifySigV4 } from './sigv4.js';

export type { ServerDeps } from './deps.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An unexpected failure, as the model's ServiceUnavailableException (503; details only logged). */
function internalError(): WorkDocsError {
  return new WorkDocsError('ServiceUnavailableException', 'Internal error', {}, 503);
}

export class RequestHandler {
  private readonly control: ControlPlane;

  constructor(private readonly deps: ServerDeps) {
    this.control = new ControlPlane(deps);
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = randomUUID();
    res.setHeader('x-amzn-requestid', requestId);
    // The access log line, metrics and span of the request (control/observe.ts).
    const record = observeRequest(this.deps, req, res, requestId);
    this.dispatch(req, res, record).catch((err: unknown) => {
      this.deps.logger.error({ err, ...record.bindings }, 'unhandled error');
      if (!res.headersSent) {
        sendError(res, internalError());
      } else {
        res.destroy();
      }
    });
  };

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    record: RequestRecord,
  ): Promise<void> {
    const { requestId } = record.bindings;
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q === -1 ? '' : rawUrl.slice(q + 1);
    const method = req.method ?? 'GET';

    if (rawPath === '/metrics' && this.deps.metrics !== undefined) {
      record.operation = CONTROL;
      req.resume();
      if (method !== 'GET' && method !== 'HEAD') {
        sendJson(res, 405, { message: 'Use GET /metrics' });
        return;
      }
      const text = await renderMetrics(this.deps.metrics.registry);
      res.writeHead(200, {
        'content-type': METRICS_CONTENT_TYPE,
        'content-length': Buffer.byteLength(text),
      });
      res.end(method === 'HEAD' ? undefined : text);
      return;
    }
    if (rawPath.startsWith(CONTROL_PREFIX)) {
      record.operation = CONTROL;
      await this.control.handle(req, res, method, rawPath);
      return;
    }
    if (isTransferPath(rawPath)) {
      record.operation = rawPath.startsWith(UPLOAD_PREFIX) ? UPLOAD : DOWNLOAD;
      await handleTransfer(this.deps, req, res, rawPath, new URLSearchParams(rawQuery), requestId);
      return;
    }
    await this.api(req, res, method, rawPath, rawQuery, record);
  }

  /** A WorkDocs API call, routed and bound by the model. */
  private async api(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    rawPath: string,
    rawQuery: string,
    record: RequestRecord,
  ): Promise<void> {
    const match = matchRoute(method, rawPath);
    if (!match) {
      req.resume();
      const known = pathKnown(rawPath);
      sendJson(
        res,
        known ? 405 : 404,
        {
          Message: known
            ? `Method ${method} is not allowed on ${rawPath}`
            : `No WorkDocs operation matches ${method} ${rawPath}`,
        },
        { 'x-amzn-errortype': known ? 'MethodNotAllowed' : 'UnknownOperationException' },
      );
      return;
    }
    const operation = match.operation;
    this.control.count(operation.name);
    const log = record.api(operation.name);
    let result: { status: number; body: unknown } | WorkDocsError;
    try {
      const body = await readBody(req, MAX_API_BODY);
      verifySigV4(
        { method, rawPath, rawQuery, headers: req.headers, body },
        this.deps.keys,
        this.deps.now(),
      );
      const injected = this.deps.chaos?.fault(operation.name);
      if (injected) {
        record.chaos('fault');
        throw injected;
      }
      const handler = handlers[operation.name];
      if (!handler) {
        throw new WorkDocsError(
          'NotImplemented',
          `The operation ${operation.name} is not implemented by WorkDocs Local`,
          {},
          501,
        );
      }
      const input = validateInput(
        operation,
        bindInput(operation, {
          labels: match.labels,
          query: parseQuery(rawQuery),
          headers: req.headers,
          body,
        }),
      );
      const output = await runOperation(this.deps, handler, input, {
        organizationId: this.deps.organizationId,
        now: this.deps.now(),
        urlBase: this.deps.urlBase(),
        urlKey: this.deps.urlKey,
        urlTtlSeconds: this.deps.urlTtlSeconds,
        folderChildLimit: this.deps.folderChildLimit,
        defaultStorageBytes: this.deps.defaultStorageBytes,
        maxUploadBytes: this.deps.maxUploadBytes,
      });
      const wire = toWire(output);
      if (this.deps.checkResponses) {
        const problems = outputViolations(operation.name, wire);
        if (problems.length > 0) {
          log.error({ problems }, 'the response does not fit the model');
          throw new WorkDocsError(
            'ServiceUnavailableException',
            `The response of ${operation.name} does not fit the WorkDocs model: ${problems.join('; ')}`,
            {},
            500,
          );
        }
      }
      result = { status: operation.http.responseCode ?? 200, body: wire };
    } catch (err) {
      if (err instanceof WorkDocsError) {
        result = err;
      } else if (err instanceof HttpError) {
        // The rest of the body was not read: do not reuse the connection.
        res.setHeader('connection', 'close');
        req.resume();
        result = new WorkDocsError(err.code, err.message, {}, err.status);
      } else {
        log.error({ err }, 'operation failed');
        result = internalError();
      }
    }
    const effect = this.deps.chaos?.effectFor(operation.name) ?? { latencyMs: 0, drop: false };
    if (effect.latencyMs > 0) {
      record.chaos('latency');
      // The request was read: an injected latency is not a client idling.
      req.socket.setTimeout(0);
      await sleep(effect.latencyMs);
    }
    if (effect.drop) {
      record.chaos('drop');
      log.debug('chaos: dropping the response');
      req.socket.destroy();
      return;
    }
    if (result instanceof WorkDocsError) {
      log.debug({ code: result.code }, 'error response');
      sendError(res, result);
    } else if (result.status === 204) {
      res.writeHead(204);
      res.end();
    } else {
      sendJson(res, result.status, result.body ?? {});
    }
  }
}
