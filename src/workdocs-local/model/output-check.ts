/**
 * Checks a response body against the output shape of its operation in the WorkDocs model, so that
 * a handler returning a wrong shape is caught instead of being silently reshaped by the SDKs
 * (which drop unknown members and keep wrong types). WorkDocs Local runs it on every response
 * when started with `checkResponses: true` (every test does); the tests' SDK clients run it too.
 *
 * Checked, recursively: unknown members (a typo like `Label` for `Labels`), required members,
 * JSON types (timestamps are restJson1 epoch seconds), enums, string lengths (in characters, as
 * Smithy counts them), patterns (anchored, as WorkDocs Local validates inputs), list and map
 * sizes, integer ranges.
 */
import { getShape, model, patternRegex } from '../model.js';

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
      if (shape.pattern !== undefined && length > 0 && !patternRegex(shape.pattern).test(value))
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
