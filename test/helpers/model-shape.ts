/**
 * Checks WorkDocs Local's JSON responses against the output shapes of the WorkDocs model (the
 * committed `service-2.json`), so that a handler returning a wrong shape fails a test instead of
 * being silently reshaped by the SDK (which drops unknown members and keeps wrong types).
 *
 *   const client = sdkClient(local);          // already checks every response it receives
 *   expect(outputViolations('GetDocument', json)).toEqual([]);
 *
 * Checked, recursively: unknown members (a typo like `Label` for `Labels`), required members,
 * JSON types (timestamps are restJson1 epoch seconds), enums, string lengths (in characters, as
 * Smithy counts them), patterns (anchored, as WorkDocs Local validates inputs), list and map
 * sizes, integer ranges. Error responses are checked against their exception shape.
 */
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { getShape, model } from '../../src/workdocs-local/model.js';

const patterns = new Map<string, RegExp>();
function anchored(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`);
    patterns.set(pattern, re);
  }
  return re;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * What is wrong with `value` as an instance of the model shape `shapeName` (empty: nothing).
 * Each entry names the path, e.g. `Metadata.Labels[0]: 40 characters, at most 32`.
 */
export function shapeViolations(shapeName: string, value: unknown, path = '$'): string[] {
  const shape = getShape(shapeName);
  const out: string[] = [];
  const bad = (message: string): string[] => [`${path}: ${message} (shape ${shapeName})`];
  switch (shape.type) {
    case 'string': {
      if (typeof value !== 'string') return bad(`expected a string, got ${kind(value)}`);
      const length = Array.from(value).length;
      if (shape.min !== undefined && length < shape.min)
        out.push(...bad(`${length} characters, at least ${shape.min}`));
      if (shape.max !== undefined && length > shape.max)
        out.push(...bad(`${length} characters, at most ${shape.max}`));
      if (shape.enum && !shape.enum.includes(value))
        out.push(...bad(`${JSON.stringify(value)} is not one of ${shape.enum.join(', ')}`));
      if (shape.pattern !== undefined && length > 0 && !anchored(shape.pattern).test(value))
        out.push(...bad(`${JSON.stringify(value)} does not match ${shape.pattern}`));
      return out;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isSafeInteger(value))
        return bad(`expected an integer, got ${JSON.stringify(value)}`);
      if (shape.min !== undefined && value < shape.min) out.push(...bad(`below ${shape.min}`));
      if (shape.max !== undefined && value > shape.max) out.push(...bad(`above ${shape.max}`));
      return out;
    }
    case 'boolean':
      return typeof value === 'boolean' ? [] : bad(`expected a boolean, got ${kind(value)}`);
    case 'timestamp':
      // restJson1 bodies carry timestamps as epoch seconds.
      return typeof value === 'number' && Number.isFinite(value)
        ? []
        : bad(`expected epoch seconds, got ${JSON.stringify(value)}`);
    case 'structure': {
      if (kind(value) !== 'object') return bad(`expected an object, got ${kind(value)}`);
      const obj = value as Record<string, unknown>;
      const members = shape.members ?? {};
      for (const name of shape.required ?? []) {
        if (obj[name] === undefined) out.push(...bad(`required member ${name} is missing`));
      }
      for (const [name, v] of Object.entries(obj)) {
        const ref = members[name];
        if (!ref) {
          out.push(...bad(`unknown member ${name}`));
          continue;
        }
        if (ref.location !== undefined) {
          out.push(...bad(`member ${name} belongs in the ${ref.location}, not the body`));
          continue;
        }
        out.push(...shapeViolations(ref.shape, v, `${path}.${name}`));
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) return bad(`expected a list, got ${kind(value)}`);
      if (shape.min !== undefined && value.length < shape.min)
        out.push(...bad(`${value.length} items, at least ${shape.min}`));
      if (shape.max !== undefined && value.length > shape.max)
        out.push(...bad(`${value.length} items, at most ${shape.max}`));
      value.forEach((item, i) => {
        out.push(...shapeViolations(shape.member?.shape ?? '', item, `${path}[${i}]`));
      });
      return out;
    }
    case 'map': {
      if (kind(value) !== 'object') return bad(`expected a map (object), got ${kind(value)}`);
      const entries = Object.entries(value as Record<string, unknown>);
      if (shape.min !== undefined && entries.length < shape.min)
        out.push(...bad(`${entries.length} entries, at least ${shape.min}`));
      if (shape.max !== undefined && entries.length > shape.max)
        out.push(...bad(`${entries.length} entries, at most ${shape.max}`));
      for (const [k, v] of entries) {
        out.push(...shapeViolations(shape.key?.shape ?? '', k, `${path} key ${JSON.stringify(k)}`));
        out.push(...shapeViolations(shape.value?.shape ?? '', v, `${path}.${k}`));
      }
      return out;
    }
    default:
      return bad(`shape type ${shape.type} is not checked here`);
  }
}

/**
 * What is wrong with a successful response body of `operation` (the parsed JSON, or undefined for
 * an empty body) against the operation's output shape. Members the model binds to headers or the
 * status code must not appear in the body.
 */
export function outputViolations(operation: string, body: unknown): string[] {
  const op = model.operations[operation];
  if (!op) return [`${operation} is not an operation of the model`];
  if (!op.output) {
    const empty =
      body === undefined ||
      (kind(body) === 'object' && Object.keys(body as Record<string, unknown>).length === 0);
    return empty ? [] : [`$: ${operation} has no output in the model, got ${JSON.stringify(body)}`];
  }
  if (body === undefined) body = {};
  return shapeViolations(op.output.shape, body);
}

/**
 * What is wrong with an error response. Every error carries a string `Message` (the protocol's,
 * also where an older exception shape of the model lists no members, as for
 * UnauthorizedOperationException), and `message` is its lower-case alias some SDKs read. A WorkDocs
 * exception of the model (`x-amzn-errortype`) must fit its shape otherwise; any other error (AWS's
 * own, such as InvalidSignatureException, or a code a chaos rule injected) only needs the Message.
 */
export function errorViolations(errorType: string | undefined, body: unknown): string[] {
  if (errorType === undefined) return ['$: error response without x-amzn-errortype'];
  if (kind(body) !== 'object') return [`$: expected an object, got ${kind(body)}`];
  const { Message, message, ...rest } = body as Record<string, unknown>;
  if (typeof Message !== 'string') return [`$: ${errorType} without a string Message`];
  if (message !== undefined && message !== Message) return ['$: message differs from Message'];
  if (model.shapes[errorType]?.exception !== true) return [];
  return shapeViolations(errorType, rest);
}

interface RawResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

function isRawResponse(value: unknown): value is RawResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    'statusCode' in value &&
    typeof value.statusCode === 'number' &&
    'headers' in value
  );
}

async function readBody(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/**
 * Makes `client` check every response it receives against the model (`outputViolations`,
 * `errorViolations`): a call whose response does not fit rejects with an Error listing what is
 * wrong. `sdkClient()` installs it on every client the tests make.
 */
export function checkResponsesAgainstModel(client: WorkDocsClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const response = result.response;
      if (!isRawResponse(response)) return result;
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const raw = await readBody((response as { body?: unknown }).body);
      // Hand the deserializer the bytes that were read.
      (response as { body?: unknown }).body = raw;
      const text = raw.toString('utf8');
      let json: unknown;
      if (text.length > 0) {
        try {
          json = JSON.parse(text);
        } catch {
          if (response.statusCode < 300) {
            throw new Error(`${operation}: the response body is not JSON: ${text.slice(0, 200)}`);
          }
          return result;
        }
      }
      const errorType = Object.entries(response.headers).find(
        ([k]) => k.toLowerCase() === 'x-amzn-errortype',
      )?.[1];
      let problems: string[];
      if (response.statusCode < 300) {
        problems = outputViolations(operation, json);
      } else {
        problems = errorViolations(errorType?.split(':')[0], json);
      }
      if (problems.length > 0) {
        throw new Error(
          `${operation} answered ${response.statusCode} with a body that does not fit the WorkDocs model:\n  ${problems.join('\n  ')}`,
        );
      }
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'workdocsModelShapeCheck' },
  );
}
