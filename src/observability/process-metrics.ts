/**
 * The process-wide Prometheus metrics (`prom-client`'s default metrics: CPU, memory, event-loop
 * lag, GC, handles). They describe the process, not a server, so they are collected once per
 * process into one registry that every `/metrics` endpoint (gateway and WorkDocs Local, which
 * may share a process) renders after its own metrics.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

let processRegistry: Registry | undefined;

/** The registry of the default process metrics, created on first use. */
export function processMetricsRegistry(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** The Prometheus text exposition of `own` followed by the process metrics. */
export async function renderMetrics(own: Registry): Promise<string> {
  const [ownText, processText] = await Promise.all([
    own.metrics(),
    processMetricsRegistry().metrics(),
  ]);
  return `${ownText.trimEnd()}\n${processText}`;
}

/** The `Content-Type` of the Prometheus text format. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;
