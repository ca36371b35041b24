/**
 * Continuous fault injection through WorkDocs Local's chaos API, on every operation: a share of the
 * calls fails with a retryable exception before it runs, a share is slowed past the gateway's
 * deadline, a share runs and loses its response. WorkDocs Local counts what it injected.
 */

export interface FaultRates {
  /** Share of calls answered with a retryable exception (ServiceUnavailable / FailedDependency). */
  exception: number;
  /** Share of calls slowed by `delayMs` (past the gateway's deadline). */
  slow: number;
  /** Share of calls whose response is dropped after the operation ran. */
  drop: number;
  delayMs: number;
}

/** What WorkDocs Local reports as injected (`GET /_local/chaos/injections`). */
export interface Injections {
  /** operation → exception code → count. */
  faults: Record<string, Record<string, number>>;
  /** operation → count. */
  delayed: Record<string, number>;
  dropped: Record<string, number>;
}

async function chaos(
  base: string,
  path: string,
  method: 'GET' | 'POST' | 'DELETE',
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(new URL(path, base), {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${String(res.status)} ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** Installs the fault rules and effects (on every operation: no `operation` filter). */
export async function startFaults(wdl: string, rates: FaultRates): Promise<void> {
  await chaos(wdl, '/_local/chaos/faults', 'DELETE');
  await chaos(wdl, '/_local/chaos/faults', 'POST', [
    {
      error: { code: 'ServiceUnavailableException', message: 'Injected by the soak' },
      probability: rates.exception * 0.7,
    },
    {
      error: { code: 'FailedDependencyException', message: 'Injected by the soak' },
      probability: rates.exception * 0.3,
    },
  ]);
  await chaos(wdl, '/_local/chaos/effects', 'POST', [
    { latencyMs: rates.delayMs, probability: rates.slow },
    { drop: true, probability: rates.drop },
  ]);
  await chaos(wdl, '/_local/chaos/injections', 'DELETE');
}

/** Removes every rule and effect; returns what was injected meanwhile. */
export async function stopFaults(wdl: string): Promise<Injections> {
  await chaos(wdl, '/_local/chaos/faults', 'DELETE');
  await chaos(wdl, '/_local/chaos/effects', 'DELETE');
  return (await chaos(wdl, '/_local/chaos/injections', 'GET')) as Injections;
}

export function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Injected exceptions by code, all operations together. */
export function faultsByCode(inj: Injections): Record<string, number> {
  const out: Record<string, number> = {};
  for (const byCode of Object.values(inj.faults)) {
    for (const [code, n] of Object.entries(byCode)) out[code] = (out[code] ?? 0) + n;
  }
  return out;
}
