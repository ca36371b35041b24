/**
 * Everything the virtual users observe: latencies and outcomes per operation, every error code,
 * the 5xx answers, the writes sent, each logical upload's fate, and the violations of the checks.
 */
import type { SeenError } from './client.js';

/** The checks; each counts violations and must end at zero. */
export const CHECKS = [
  'crashes',
  'unexplained5xx',
  'untypedErrors',
  'duplicates',
  'integrity',
  'leaks',
] as const;
export type Check = (typeof CHECKS)[number];

/** The gateway's write mutations, each one WorkDocs write call. */
export const WRITE_OPERATIONS = {
  initiate: 'InitiateDocumentVersionUpload',
  complete: 'UpdateDocumentVersion',
  abort: 'AbortDocumentVersionUpload',
} as const;
export type WriteOperation = keyof typeof WRITE_OPERATIONS;

export type Plan =
  'complete' | 'abandonAfterInitiate' | 'abandonHalfway' | 'abortAfterPut' | 'abortAfterInitiate';

/** What the client knows of a write's outcome. */
export type Outcome = 'none' | 'ok' | 'failed' | 'unknown';

/** One logical upload of a virtual user (a unique name). */
export interface Upload {
  vu: number;
  user: string;
  name: string;
  folderId: string;
  size: number;
  sha256: string;
  plan: Plan;
  documentId: string | undefined;
  versionId: string | undefined;
  initiate: Outcome;
  /** The initiate's outcome was unknown and a second initiate found the name taken. */
  initiateLandedUnseen: boolean;
  put: 'none' | 'ok' | 'failed' | 'partial';
  complete: Outcome;
  abort: Outcome;
}

interface OpStats {
  count: number;
  ok: number;
  failed: number;
  ms: number[];
}

const SAMPLES = 20;

/**
 * 5xx codes an injected fault explains, by the fault: a retryable exception, a call slowed past the
 * deadline (of the call or of the whole request), a lost response.
 */
export const FIVE_XX_CAUSES: Record<string, 'exception' | 'slowed' | 'dropped'> = {
  SERVICE_UNAVAILABLE: 'exception',
  UPSTREAM_TIMEOUT: 'slowed',
  REQUEST_TIMEOUT: 'slowed',
  UPSTREAM_UNREACHABLE: 'dropped',
};

export class Recorder {
  readonly ops = new Map<string, OpStats>();
  /** code → operation → count (data-channel and `errors` alike). */
  readonly errorCodes = new Map<string, Map<string, number>>();
  /** Responses per code with a 5xx (`extensions.httpStatus` or the HTTP status). */
  readonly fiveXx = new Map<string, number>();
  /** Responses with a 5xx per fault that can explain it (once per response and fault). */
  readonly fiveXxByCause = new Map<string, number>();
  readonly violations = new Map<Check, { count: number; samples: string[] }>();
  /** Write mutations sent to the gateway (each should be exactly one WorkDocs call). */
  readonly writesSent: Record<WriteOperation, number> = { initiate: 0, complete: 0, abort: 0 };
  /** Retries the virtual users made themselves, by reason. */
  readonly clientRetries = new Map<string, number>();
  readonly uploads: Upload[] = [];
  transportErrors = 0;
  bytesUp = 0;
  bytesDown = 0;

  constructor(private readonly documentedCodes: ReadonlySet<string>) {
    for (const c of CHECKS) this.violations.set(c, { count: 0, samples: [] });
  }

  violation(check: Check, detail: string): void {
    const v = this.violations.get(check);
    if (!v) return;
    v.count += 1;
    if (v.samples.length < SAMPLES) v.samples.push(detail);
  }

  count(check: Check): number {
    return this.violations.get(check)?.count ?? 0;
  }

  retried(reason: string): void {
    this.clientRetries.set(reason, (this.clientRetries.get(reason) ?? 0) + 1);
  }

  /** Times one call of `op`; `ok` false when it did not do what was asked. */
  timing(op: string, ms: number, ok: boolean): void {
    let s = this.ops.get(op);
    if (!s) {
      s = { count: 0, ok: 0, failed: 0, ms: [] };
      this.ops.set(op, s);
    }
    s.count += 1;
    if (ok) s.ok += 1;
    else s.failed += 1;
    s.ms.push(ms);
  }

  /**
   * Records the errors of one response of `op`: codes, untyped ones, and 5xx per code (a response
   * counts once per code, however many fields that one failure nulled).
   */
  errors(op: string, httpStatus: number, errors: readonly SeenError[]): void {
    const fiveXxCodes = new Set<string>();
    for (const e of errors) {
      const code = e.code ?? '(none)';
      let byOp = this.errorCodes.get(code);
      if (!byOp) {
        byOp = new Map();
        this.errorCodes.set(code, byOp);
      }
      byOp.set(op, (byOp.get(op) ?? 0) + 1);
      if (e.code === undefined || !this.documentedCodes.has(e.code)) {
        this.violation(
          'untypedErrors',
          `${op}: ${e.channel} error with code ${String(e.code)}: ${e.message.slice(0, 200)}`,
        );
      }
      if ((e.httpStatus ?? 0) >= 500 || httpStatus >= 500) fiveXxCodes.add(code);
    }
    if (httpStatus >= 500 && errors.length === 0) fiveXxCodes.add(`HTTP ${httpStatus}`);
    const causes = new Set<string>();
    for (const code of fiveXxCodes) {
      this.fiveXx.set(code, (this.fiveXx.get(code) ?? 0) + 1);
      causes.add(FIVE_XX_CAUSES[code] ?? `unexplained ${code}`);
    }
    for (const c of causes) this.fiveXxByCause.set(c, (this.fiveXxByCause.get(c) ?? 0) + 1);
  }

  /** A 5xx from a signed URL (no fault is ever injected there). */
  transfer5xx(op: string, status: number): void {
    const code = `${op} HTTP ${status}`;
    this.fiveXx.set(code, (this.fiveXx.get(code) ?? 0) + 1);
    const cause = `unexplained ${code}`;
    this.fiveXxByCause.set(cause, (this.fiveXxByCause.get(cause) ?? 0) + 1);
  }

  /** p-th percentile (0–100) of the sorted sample. */
  static percentile(sorted: readonly number[], p: number): number {
    if (sorted.length === 0) return 0;
    const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
    return sorted[Math.max(0, i)] ?? 0;
  }
}
