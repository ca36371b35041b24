/**
 * `GET /ready`: can the gateway reach WorkDocs? A cheap probe, cached.
 *
 * The probe is one signed SDK call (`GetCurrentUser` with a token no one has) through the
 * process-wide client — the same DNS, TLS, keep-alive pool and credentials as real calls; its
 * deadline travels by `setCallSignal` (`sdk-abort.ts`), so the middleware cache stays on. Any
 * answer of WorkDocs below 500 (here: the token is refused) proves WorkDocs is reachable and
 * answering; a network failure, a timeout, a 5xx or a credential failure means "not ready".
 *
 * The result is cached (`cacheMs`, default 2 s) and concurrent checks share one probe, so a load
 * balancer polling many replicas costs WorkDocs at most one call per replica per period. When
 * WorkDocs comes back, the next check after the cache expires answers ready again: no restart.
 */
import { GetCurrentUserCommand, type WorkDocsClient } from '@aws-sdk/client-workdocs';
import { setCallSignal } from '../sdk-abort.js';

/** A token of the model's pattern that WorkDocs issues to no one. */
const PROBE_TOKEN = 'workdocs-graphql-readiness-probe';

export interface ReadinessResult {
  ready: boolean;
  /** Why not ready (the error's name and, for HTTP answers, status); undefined when ready. */
  reason?: string | undefined;
  /** When the probe ran (epoch ms). */
  checkedAt: number;
}

export interface ReadinessOptions {
  /** How long a result is reused (ms). */
  cacheMs: number;
  /** The probe's own deadline (ms). */
  timeoutMs: number;
}

interface FailureLike {
  name?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export class ReadinessProbe {
  readonly #client: WorkDocsClient;
  readonly #options: ReadinessOptions;
  #last: ReadinessResult | undefined;
  #running: Promise<ReadinessResult> | undefined;

  constructor(client: WorkDocsClient, options: ReadinessOptions) {
    this.#client = client;
    this.#options = options;
  }

  /** The cached result, or a new probe when it is older than `cacheMs`. */
  check(now: number = Date.now()): Promise<ReadinessResult> {
    const last = this.#last;
    if (last !== undefined && now - last.checkedAt < this.#options.cacheMs) {
      return Promise.resolve(last);
    }
    this.#running ??= this.#probe().then((result) => {
      this.#last = result;
      this.#running = undefined;
      return result;
    });
    return this.#running;
  }

  async #probe(): Promise<ReadinessResult> {
    const checkedAt = Date.now();
    try {
      const command = new GetCurrentUserCommand({ AuthenticationToken: PROBE_TOKEN });
      setCallSignal(command.input, AbortSignal.timeout(this.#options.timeoutMs));
      await this.#client.send(command);
      return { ready: true, checkedAt };
    } catch (err) {
      const failure = (typeof err === 'object' && err !== null ? err : {}) as FailureLike;
      const status = failure.$metadata?.httpStatusCode;
      const name = typeof failure.name === 'string' ? failure.name : 'Error';
      if (typeof status === 'number' && status < 500) return { ready: true, checkedAt };
      return {
        ready: false,
        reason: typeof status === 'number' ? `${name} (HTTP ${String(status)})` : name,
        checkedAt,
      };
    }
  }
}
