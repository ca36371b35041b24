/**
 * The WorkDocs wire model (the committed copy of `workdocs-2016-05-01/service-2.json`): the route
 * table built from `operations[*].http`, request binding (uri labels, query string, headers, JSON
 * body) and validation of the bound input against the model's constraints.
 */
import modelJson from './model/workdocs-2016-05-01.json' with { type: 'json' };
import { WorkDocsError } from './errors.js';

export interface MemberRef {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
  deprecated?: boolean;
}

export interface Shape {
  type: string;
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  exception?: boolean;
  error?: { httpStatusCode: number };
  sensitive?: boolean;
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  output?: { shape: string };
  errors?: { shape: string }[];
}

export interface Model {
  metadata: Record<string, unknown>;
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

// Imported (not read from disk) so that `tsc` copies the model into `dist/` with the code.
export const model = modelJson as unknown as Model;

export function getShape(name: string): Shape {
  const shape = model.shapes[name];
  if (!shape) throw new Error(`Unknown shape ${name}`);
  return shape;
}

/** HTTP status of an exception shape per the model, or undefined if `name` is not one. */
export function exceptionStatus(name: string): number | undefined {
  const shape = model.shapes[name];
  return shape?.exception ? (shape.error?.httpStatusCode ?? 400) : undefined;
}

export function exceptionNames(): string[] {
  return Object.entries(model.shapes)
    .filter(([, s]) => s.exception === true)
    .map(([n]) => n);
}

interface Segment {
  literal?: string;
  label?: string;
  greedy?: boolean;
}

interface Route {
  operation: Operation;
  method: string;
  segments: Segment[];
  literalCount: number;
}

export interface RouteMatch {
  operation: Operation;
  labels: Record<string, string>;
}

function buildRoutes(): Route[] {
  const routes: Route[] = [];
  for (const [name, op] of Object.entries(model.operations)) {
    op.name = name;
    const path = op.http.requestUri.split('?')[0] ?? '';
    const segments = path
      .split('/')
      .filter((s) => s.length > 0)
      .map((s): Segment => {
        const m = /^\{(\w+)(\+?)\}$/.exec(s);
        if (m?.[1] !== undefined) return { label: m[1], greedy: m[2] === '+' };
        return { literal: s };
      });
    routes.push({
      operation: op,
      method: op.http.method,
      segments,
      literalCount: segments.filter((s) => s.literal !== undefined).length,
    });
  }
  // More literal segments first, so `/api/v1/me/root` wins over a label at that position.
  routes.sort((a, b) => b.literalCount - a.literalCount);
  return routes;
}

const routes = buildRoutes();

function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** Finds the operation for a method and raw (still percent-encoded) path. */
export function matchRoute(method: string, rawPath: string): RouteMatch | undefined {
  const parts = rawPath.split('/').filter((s) => s.length > 0);
  for (const route of routes) {
    if (route.method !== method) continue;
    const labels: Record<string, string> = {};
    let ok = true;
    let i = 0;
    for (const seg of route.segments) {
      if (seg.greedy === true && seg.label !== undefined) {
        const rest = parts.slice(i).map(decodeSegment);
        if (rest.length === 0 || rest.some((r) => r === undefined)) {
          ok = false;
          break;
        }
        labels[seg.label] = rest.join('/');
        i = parts.length;
        continue;
      }
      const part = parts[i];
      if (part === undefined) {
        ok = false;
        break;
      }
      if (seg.literal !== undefined) {
        if (seg.literal !== part) {
          ok = false;
          break;
        }
      } else if (seg.label !== undefined) {
        const decoded = decodeSegment(part);
        if (decoded === undefined) {
          ok = false;
          break;
        }
        labels[seg.label] = decoded;
      }
      i++;
    }
    if (ok && i === parts.length) return { operation: route.operation, labels };
  }
  return undefined;
}

/** Whether any operation exists for this path with another method (for a 405-ish answer). */
export function pathKnown(rawPath: string): boolean {
  return ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].some(
    (m) => matchRoute(m, rawPath) !== undefined,
  );
}

export type Input = Record<string, unknown>;

/**
 * Parses a raw query string the way AWS does (percent-decoding only: `+` stays a plus sign, as
 * in the SigV4 canonical query). Every value of a key is kept in order: a list member (e.g.
 * DeleteLabels' `labels`) is sent as the key repeated, a scalar member takes the first value.
 * Undecodable values throw InvalidArgumentException.
 */
export function parseQuery(rawQuery: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq === -1 ? part : part.slice(0, eq);
    const v = eq === -1 ? '' : part.slice(eq + 1);
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(k);
      value = decodeURIComponent(v);
    } catch {
      throw new WorkDocsError('InvalidArgumentException', 'The query string is not valid');
    }
    const values = out.get(key);
    if (values) values.push(value);
    else out.set(key, [value]);
  }
  return out;
}

export interface RawRequest {
  labels: Record<string, string>;
  query: Map<string, string[]>;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function invalid(message: string): WorkDocsError {
  return new WorkDocsError('InvalidArgumentException', message);
}

function fromString(memberName: string, shape: Shape, raw: string): unknown {
  switch (shape.type) {
    case 'string':
      return raw;
    case 'integer':
    case 'long': {
      if (!/^-?\d+$/.test(raw)) throw invalid(`${memberName} must be an integer, got "${raw}"`);
      return Number(raw);
    }
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw invalid(`${memberName} must be true or false`);
    case 'timestamp': {
      const n = Number(raw);
      const d = Number.isFinite(n) ? new Date(n * 1000) : new Date(raw);
      if (Number.isNaN(d.getTime())) throw invalid(`${memberName} must be a timestamp`);
      return d;
    }
    default:
      return raw;
  }
}

/** Binds a request's parts to the operation's input members (no validation yet). */
export function bindInput(operation: Operation, req: RawRequest): Input {
  const input: Input = {};
  if (!operation.input) return input;
  const shape = getShape(operation.input.shape);
  let body: Record<string, unknown> | undefined;
  const bodyMembers = Object.values(shape.members ?? {}).some((m) => m.location === undefined);
  if (bodyMembers && req.body.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body.toString('utf8'));
    } catch {
      throw new WorkDocsError('InvalidArgumentException', 'The request body is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw invalid('The request body must be a JSON object');
    }
    body = parsed as Record<string, unknown>;
  }
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const target = getShape(ref.shape);
    const wireName = ref.locationName ?? name;
    switch (ref.location) {
      case 'uri': {
        const v = req.labels[wireName];
        if (v !== undefined) input[name] = fromString(name, target, v);
        break;
      }
      case 'querystring': {
        const values = req.query.get(wireName);
        if (values === undefined) break;
        if (target.type === 'list') {
          const memberShape = getShape(target.member?.shape ?? '');
          input[name] = values.map((v) => fromString(name, memberShape, v));
        } else {
          input[name] = fromString(name, target, values[0] ?? '');
        }
        break;
      }
      case 'header': {
        const v = req.headers[wireName.toLowerCase()];
        const s = Array.isArray(v) ? v.join(',') : v;
        if (s !== undefined) input[name] = fromString(name, target, s);
        break;
      }
      case undefined: {
        if (body && Object.hasOwn(body, wireName) && body[wireName] !== null) {
          input[name] = body[wireName];
        }
        break;
      }
      default:
        break;
    }
  }
  return input;
}

const regexCache = new Map<string, RegExp>();
/** A model pattern as WorkDocs Local applies it: anchored (the whole value must match). */
export function patternRegex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    // Smithy patterns are unanchored; WorkDocs Local anchors them so an id or name must consist
    // only of the allowed characters (this is also what keeps `../` out of ids).
    re = new RegExp(`^(?:${pattern})$`);
    regexCache.set(pattern, re);
  }
  return re;
}

/**
 * Validates (and normalizes: timestamps from epoch seconds to Date) a value against a shape.
 * Throws InvalidArgumentException naming the member path.
 */
function validateValue(path: string, shapeName: string, value: unknown): unknown {
  const shape = getShape(shapeName);
  switch (shape.type) {
    case 'string': {
      if (typeof value !== 'string') throw invalid(`${path} must be a string`);
      // Smithy lengths count Unicode characters (code points), not UTF-16 code units.
      const length = Array.from(value).length;
      if (shape.min !== undefined && length < shape.min)
        throw invalid(`${path} must be at least ${shape.min} characters long`);
      if (shape.max !== undefined && length > shape.max)
        throw invalid(`${path} must be at most ${shape.max} characters long`);
      if (shape.enum && !shape.enum.includes(value))
        throw invalid(`${path} must be one of ${shape.enum.join(', ')}`);
      if (shape.pattern !== undefined && !patternRegex(shape.pattern).test(value))
        throw invalid(`${path} does not match the pattern ${shape.pattern}`);
      return value;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isSafeInteger(value))
        throw invalid(`${path} must be an integer`);
      if (shape.min !== undefined && value < shape.min)
        throw invalid(`${path} must be at least ${shape.min}`);
      if (shape.max !== undefined && value > shape.max)
        throw invalid(`${path} must be at most ${shape.max}`);
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(`${path} must be a boolean`);
      return value;
    case 'timestamp': {
      // Out-of-range epoch seconds make an Invalid Date: refused like any other bad timestamp.
      const d =
        value instanceof Date
          ? value
          : typeof value === 'number' && Number.isFinite(value)
            ? new Date(value * 1000)
            : typeof value === 'string'
              ? new Date(value)
              : undefined;
      if (d !== undefined && !Number.isNaN(d.getTime())) return d;
      throw invalid(`${path} must be a timestamp (epoch seconds)`);
    }
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw invalid(`${path} must be an object`);
      const obj = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const req of shape.required ?? []) {
        if (obj[req] === undefined || obj[req] === null)
          throw invalid(`${path}.${req} is required`);
      }
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const v = obj[name];
        if (v !== undefined && v !== null)
          out[name] = validateValue(`${path}.${name}`, ref.shape, v);
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) throw invalid(`${path} must be a list`);
      if (shape.min !== undefined && value.length < shape.min)
        throw invalid(`${path} must have at least ${shape.min} items`);
      if (shape.max !== undefined && value.length > shape.max)
        throw invalid(`${path} must have at most ${shape.max} items`);
      const memberShape = shape.member?.shape ?? '';
      return value.map((v, i) => validateValue(`${path}[${i}]`, memberShape, v));
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw invalid(`${path} must be an object`);
      const entries = Object.entries(value as Record<string, unknown>);
      if (shape.min !== undefined && entries.length < shape.min)
        throw invalid(`${path} must have at least ${shape.min} entries`);
      if (shape.max !== undefined && entries.length > shape.max)
        throw invalid(`${path} must have at most ${shape.max} entries`);
      const out: Record<string, unknown> = {};
      for (const [k, v] of entries) {
        validateValue(`${path} key`, shape.key?.shape ?? '', k);
        out[k] = validateValue(`${path}.${k}`, shape.value?.shape ?? '', v);
      }
      return out;
    }
    default:
      return value;
  }
}

/** Validates a bound input against the operation's input shape (top-level member names). */
export function validateInput(operation: Operation, input: Input): Input {
  if (!operation.input) return {};
  const shape = getShape(operation.input.shape);
  const out: Input = {};
  for (const req of shape.required ?? []) {
    if (req === 'AuthenticationToken') continue; // checked by the auth layer with its own error
    if (input[req] === undefined || input[req] === null) throw invalid(`${req} is required`);
  }
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const v = input[name];
    if (v !== undefined && v !== null) out[name] = validateValue(name, ref.shape, v);
  }
  return out;
}

/** Serializes an output value for a restJson1 body: Date → epoch seconds, drops undefined. */
export function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[k] = toWire(v);
    }
    return out;
  }
  return value;
}
