/**
 * OpenTelemetry tracing, shared by the gateway and WorkDocs Local; off unless
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set (then spans go to `<endpoint>/v1/traces` over OTLP/HTTP
 * JSON; `OTEL_EXPORTER_OTLP_HEADERS` is honoured by the exporter).
 *
 * Each server gets its own tracer provider (`service.name` `workdocs-graphql` or
 * `workdocs-local`, or `OTEL_SERVICE_NAME`), so the two services stay apart when they share a
 * process. No global context manager is installed (no AsyncLocalStorage on the hot path): spans
 * are parented explicitly — the gateway's GraphQL span is the parent of its WorkDocs call spans,
 * whose context travels to WorkDocs Local in a W3C `traceparent` header; WorkDocs Local continues
 * the trace from that header.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export { SpanKind, SpanStatusCode, type Attributes, type Context, type Span };

export interface TelemetryOptions {
  /** `service.name` of the spans. */
  serviceName: string;
  /** The OTLP/HTTP base endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
  endpoint?: string | undefined;
  /** Tests: export to this exporter (e.g. `InMemorySpanExporter`), synchronously. */
  exporter?: SpanExporter | undefined;
}

const propagator = new W3CTraceContextPropagator();

type Carrier = Record<string, string | string[] | undefined>;

const getter = {
  keys: (carrier: Carrier): string[] => Object.keys(carrier),
  get: (carrier: Carrier, key: string): string | string[] | undefined => carrier[key],
};
const setter = {
  set: (carrier: Record<string, string>, key: string, value: string): void => {
    carrier[key] = value;
  },
};

/** The tracer of one server, and the W3C trace-context propagation it uses. */
export class Telemetry {
  readonly tracer: Tracer;
  readonly #provider: NodeTracerProvider;

  private constructor(provider: NodeTracerProvider, serviceName: string) {
    this.#provider = provider;
    this.tracer = provider.getTracer(serviceName);
  }

  /** Telemetry when an endpoint or an exporter is given; undefined (tracing off) otherwise. */
  static create(options: TelemetryOptions): Telemetry | undefined {
    const { exporter, endpoint, serviceName } = options;
    if (exporter === undefined && (endpoint === undefined || endpoint === '')) return undefined;
    const processor =
      exporter === undefined
        ? new BatchSpanProcessor(
            new OTLPTraceExporter({ url: `${(endpoint ?? '').replace(/\/+$/, '')}/v1/traces` }),
          )
        : new SimpleSpanProcessor(exporter);
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      spanProcessors: [processor],
    });
    return new Telemetry(provider, serviceName);
  }

  /** The trace context a request's headers carry (`traceparent`, `tracestate`), or the root. */
  extract(headers: Carrier): Context {
    return propagator.extract(ROOT_CONTEXT, headers, getter);
  }

  /** Writes `traceparent` (and `tracestate`) of `span` into `headers`. */
  inject(span: Span, headers: Record<string, string>): void {
    propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, setter);
  }

  startSpan(name: string, kind: SpanKind, parent: Context, attributes?: Attributes): Span {
    return this.tracer.startSpan(name, { kind, attributes }, parent);
  }

  /** The context whose active span is `span` (a parent for child spans). */
  contextOf(span: Span): Context {
    return trace.setSpan(ROOT_CONTEXT, span);
  }

  /** Exports what is pending and stops. */
  async shutdown(): Promise<void> {
    await this.#provider.shutdown();
  }
}

/** A span's status and end, for a failure (`message` must not contain secrets). */
export function endSpanWithError(span: Span, message: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.end();
}
