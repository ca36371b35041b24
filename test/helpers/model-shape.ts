/**
 * Checks WorkDocs Local's JSON responses, as an SDK client receives them, against the WorkDocs
 * model (the committed `service-2.json`): the output shape of the operation
 * (src/workdocs-local/model/output-check.ts, which WorkDocs Local itself also runs on every
 * response in the tests) and, for errors, the exception shape.
 *
 *   const client = sdkClient(local);          // already checks every response it receives
 *   expect(outputViolations('GetDocument', json)).toEqual([]);
 *
 */
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { model } from '../../src/workdocs-local/model.js';
import { outputViolations, shapeViolations } from '../../src/workdocs-local/model/output-check.js';

export { outputViolations, shapeViolations };

/**
 * What is wrong with an error response. Every error carries a string `Message` (the protocol's,
 * also where an older exception shape of the model lists no members, as for
 * UnauthorizedOperationException), and `message` is its lower-case alias some SDKs read. A WorkDocs
 * exception of the model (`x-amzn-errortype`) must fit its shape otherwise; any other error (AWS's
 * own, such as InvalidSignatureException, or a code a chaos rule injected) only needs the Message.
 */
export function errorViolations(errorType: string | undefined, body: unknown): string[] {
  if (errorType === undefined) return ['$: error response without x-amzn-errortype'];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return ['$: expected a JSON object'];
  }
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
