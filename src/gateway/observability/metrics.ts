/**
 * The gateway's Prometheus metrics (`GET /metrics`, see README "Operations").
 *
 * | metric                               | type      | labels                                        |
 * |--------------------------------------|-----------|-----------------------------------------------|
 * | graphql_requests_total               | counter   | operation_name, operation_type, outcome, code |
 * | graphql_request_duration_seconds     | histogram | operation_name, operation_type, outcome       |
 * | graphql_requests_in_flight           | gauge     |                                               |
 * | workdocs_calls_total                 | counter   | operation, outcome                            |
 * | workdocs_call_duration_seconds       | histogram | operation, outcome (ok / error)               |
 * | workdocs_call_retries_total          | counter   | operation                                     |
 * | workdocs_budget_refusals_total       | counter   | budget                                        |
 *
 * plus the process metrics of `prom-client` (`process_*`, `nodejs_*`).
 *
 * Every label value comes from a bounded set; no client-chosen string becomes a label as it is:
 * - `operation_name`: `(unnamed)` for an anonymous operation, `(none)` when the request never got
 *   to a valid operation (malformed, refused, invalid), otherwise the operation's name when the
 *   allow-list (`GATEWAY_METRICS_OPERATION_NAMES`) has it, or — without an allow-list — when it is
 *   one of the first `GATEWAY_METRICS_MAX_OPERATION_NAMES` distinct names of VALID operations
 *   seen by this process (at most 64 characters); every other name is `(other)`.
 * - `operation_type`: query | mutation | subscription | `(none)`.
 * - `outcome`: ok | user_error | error; `code` is the union member of the first user error
 *   (e.g. `EntityNotExistsError`), the `extensions.code` of the first error (one of the gateway's
 *   documented codes, or `(other)`), or `none` when ok.
 * - WorkDocs `operation`: the SDK command's name (code-chosen, never a client's); `outcome`: `ok`,
 *   the WorkDocs exception name when it is one of the model's, else the gateway code it became.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds; from a cached read (1 ms) to the longest deadlines. */
export const DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

export const UNNAMED_OPERATION = '(unnamed)';
export const NO_OPERATION = '(none)';
export const OTHER = '(other)';

const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

export interface OperationNameRule {
  /** When set, only these names become label values. */
  allowList?: readonly string[] | undefined;
  /** Without an allow-list: how many distinct names may become label values. */
  maxNames: number;
}

/** Maps operation names to bounded label values (see the file header). */
export class OperationNameLabels {
  readonly #allow: ReadonlySet<string> | undefined;
  readonly #seen = new Set<string>();
  readonly #max: number;

  constructor(rule: OperationNameRule) {
    this.#allow =
      rule.allowList === undefined || rule.allowList.length === 0
        ? undefined
        : new Set(rule.allowList);
    this.#max = rule.maxNames;
  }

  /**
   * The label of a VALID operation's name (null/undefined = anonymous). Call it only once the
   * operation was parsed and validated: only such names may claim one of the `maxNames` slots.
   */
  label(name: string | null | undefined): string {
    if (name === null || name === undefined || name === '') return UNNAMED_OPERATION;
    if (this.#allow !== undefined) return this.#allow.has(name) ? name : OTHER;
    if (this.#seen.has(name)) return name;
    if (this.#seen.size < this.#max && OPERATION_NAME.test(name)) {
      this.#seen.add(name);
      return name;
    }
    return OTHER;
  }
}

export type RequestOutcome = 'ok' | 'user_error' | 'error';

export interface GatewayMetricsOptions extends OperationNameRule {
  /** The set of valid error codes (`extensions.code`) that may be label values. */
  knownCodes: ReadonlySet<string>;
  /** The WorkDocs exception names of the model. */
  knownExceptions: ReadonlySet<string>;
  /** The union members that are user errors. */
  knownUserErrors: ReadonlySet<string>;
}

const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);
const WORKDOCS_OPERATION = /^[A-Z][A-Za-z]{0,63}$/;

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly operationNames: OperationNameLabels;
  readonly #options: GatewayMetricsOptions;

  readonly #requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL requests by operation name, operation type, outcome (ok, user_error, error) and code (the union member of a user error, the extensions.code of an error, none).',
    labelNames: ['operation_name', 'operation_type', 'outcome', 'code'] as const,
    registers: [this.registry],
  });
  readonly #requestDuration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Duration of GraphQL requests from the first byte read to the last byte written.',
    labelNames: ['operation_name', 'operation_type', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'graphql_requests_in_flight',
    help: 'GraphQL requests being served.',
    registers: [this.registry],
  });
  readonly #calls = new Counter({
    name: 'workdocs_calls_total',
    help: 'WorkDocs calls (retries included in one call) by operation and outcome (ok, the WorkDocs exception name, or the gateway code).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly #callDuration = new Histogram({
    name: 'workdocs_call_duration_seconds',
    help: 'Duration of WorkDocs calls, retries included, by operation and outcome (ok or error).',
    labelNames: ['operation', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly #retries = new Counter({
    name: 'workdocs_call_retries_total',
    help: 'Attempts of WorkDocs calls beyond the first, by operation.',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  readonly #budgetRefusals = new Counter({
    name: 'workdocs_budget_refusals_total',
    help: "WorkDocs calls refused because the request's budget was spent, by budget.",
    labelNames: ['budget'] as const,
    registers: [this.registry],
  });

  constructor(options: GatewayMetricsOptions) {
    this.#options = options;
    this.operationNames = new OperationNameLabels(options);
  }

  /** One GraphQL request, finished. `operationName` must already be a label (see `label`). */
  observeRequest(request: {
    operationName: string;
    operationType: string;
    outcome: RequestOutcome;
    code: string | undefined;
    seconds: number;
  }): void {
    const operationType = OPERATION_TYPES.has(request.operationType)
      ? request.operationType
      : NO_OPERATION;
    let code: string;
    if (request.outcome === 'ok') code = 'none';
    else if (request.code === undefined) code = OTHER;
    else {
      const known =
        request.outcome === 'user_error' ? this.#options.knownUserErrors : this.#options.knownCodes;
      code = known.has(request.code) ? request.code : OTHER;
    }
    this.#requests.inc({
      operation_name: request.operationName,
      operation_type: operationType,
      outcome: request.outcome,
      code,
    });
    this.#requestDuration.observe(
      {
        operation_name: request.operationName,
        operation_type: operationType,
        outcome: request.outcome,
      },
      request.seconds,
    );
  }

  /**
   * One WorkDocs call, finished: `failure` is undefined on success, else the exception name (when
   * WorkDocs raised one) and the gateway code it became.
   */
  observeCall(call: {
    operation: string;
    failure: { exceptionName: string | undefined; code: string } | undefined;
    seconds: number;
    attempts: number;
  }): void {
    const operation = WORKDOCS_OPERATION.test(call.operation) ? call.operation : OTHER;
    let outcome = 'ok';
    if (call.failure !== undefined) {
      const { exceptionName, code } = call.failure;
      if (exceptionName !== undefined && this.#options.knownExceptions.has(exceptionName)) {
        outcome = exceptionName;
      } else outcome = this.#options.knownCodes.has(code) ? code : OTHER;
    }
    this.#calls.inc({ operation, outcome });
    this.#callDuration.observe(
      { operation, outcome: call.failure === undefined ? 'ok' : 'error' },
      call.seconds,
    );
    if (call.attempts > 1) this.#retries.inc({ operation }, call.attempts - 1);
  }

  /** A WorkDocs call refused by a per-request budget (`budget`: a fixed name such as `calls`). */
  observeBudgetRefusal(budget: string): void {
    this.#budgetRefusals.inc({ budget: /^[a-z_]{1,32}$/.test(budget) ? budget : OTHER });
  }
}
