/**
 * WorkDocs Local's Prometheus metrics (`GET /metrics`, see README "Operations").
 *
 * | metric                                      | type      | labels              |
 * |---------------------------------------------|-----------|---------------------|
 * | workdocs_local_requests_total               | counter   | operation, status   |
 * | workdocs_local_request_duration_seconds     | histogram | operation           |
 * | workdocs_local_uploaded_bytes_total         | counter   |                     |
 * | workdocs_local_downloaded_bytes_total       | counter   |                     |
 * | workdocs_local_chaos_faults_total           | counter   | operation, kind     |
 *
 * plus the process metrics of `prom-client` (`process_*`, `nodejs_*`).
 *
 * Label values are bounded: `operation` is an operation name of the model, or `(upload)`,
 * `(download)` for signed URLs, `(control)` for `/_local/...` and `/metrics`, `(unknown)` for a
 * path or method no operation matches; `status` is the HTTP status sent (`0` when the connection
 * was dropped before a response); `kind` is `fault` (an injected exception), `latency` or `drop`.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { model } from '../model.js';

export const UPLOAD = '(upload)';
export const DOWNLOAD = '(download)';
export const CONTROL = '(control)';
export const UNKNOWN = '(unknown)';

const BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60,
];

export type ChaosKind = 'fault' | 'latency' | 'drop';

export class WorkDocsLocalMetrics {
  readonly registry = new Registry();

  readonly #requests = new Counter({
    name: 'workdocs_local_requests_total',
    help: 'Requests by operation (a WorkDocs operation, (upload), (download), (control), (unknown)) and HTTP status (0 = dropped).',
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });
  readonly #duration = new Histogram({
    name: 'workdocs_local_request_duration_seconds',
    help: 'Duration of requests by operation, from arrival to the last byte written.',
    labelNames: ['operation'] as const,
    buckets: BUCKETS,
    registers: [this.registry],
  });
  readonly #uploaded = new Counter({
    name: 'workdocs_local_uploaded_bytes_total',
    help: 'Bytes stored by uploads to signed URLs.',
    registers: [this.registry],
  });
  readonly #downloaded = new Counter({
    name: 'workdocs_local_downloaded_bytes_total',
    help: 'Bytes sent by downloads from signed URLs.',
    registers: [this.registry],
  });
  readonly #chaos = new Counter({
    name: 'workdocs_local_chaos_faults_total',
    help: 'Chaos injections that fired, by operation and kind (fault, latency, drop).',
    labelNames: ['operation', 'kind'] as const,
    registers: [this.registry],
  });

  /** A label for `operation`: itself when the model has it or it is one of the fixed values. */
  static label(operation: string): string {
    if (operation === UPLOAD || operation === DOWNLOAD || operation === CONTROL) return operation;
    return Object.hasOwn(model.operations, operation) ? operation : UNKNOWN;
  }

  request(operation: string, status: number, seconds: number): void {
    const label = WorkDocsLocalMetrics.label(operation);
    const statusLabel =
      Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : '0';
    this.#requests.inc({ operation: label, status: statusLabel });
    this.#duration.observe({ operation: label }, seconds);
  }

  uploaded(bytes: number): void {
    if (bytes > 0) this.#uploaded.inc(bytes);
  }

  downloaded(bytes: number): void {
    if (bytes > 0) this.#downloaded.inc(bytes);
  }

  chaos(operation: string, kind: ChaosKind): void {
    this.#chaos.inc({ operation: WorkDocsLocalMetrics.label(operation), kind });
  }
}
