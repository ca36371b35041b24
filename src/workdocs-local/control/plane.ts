/**
 * The control plane of WorkDocs Local (`/_local/...`): health, per-operation call counts, and the
 * chaos API (fault rules and effects).
 *
 * The chaos API changes what every client gets, so a web page must not drive it: its POSTs need
 * `Content-Type: application/json` (a cross-origin form or `text/plain` POST cannot send it without
 * a preflight, which is never granted), and when WorkDocs Local listens beyond loopback every chaos
 * request must be SigV4-signed with the administrator's key pair.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { WorkDocsError } from '../errors.js';
import type { ServerDeps } from '../http/deps.js';
import { HttpError, MAX_API_BODY, header, readBody, sendJson } from '../http/respond.js';
import { verifySigV4 } from '../http/sigv4.js';
import { exceptionStatus } from '../model.js';
import { effectsSchema, faultRulesSchema } from './chaos.js';

export const CONTROL_PREFIX = '/_local/';

export class ControlPlane {
  private readonly stats = new Map<string, number>();

  constructor(private readonly deps: ServerDeps) {}

  /** Counts one call of a WorkDocs operation (for `/_local/stats`). */
  count(operation: string): void {
    this.stats.set(operation, (this.stats.get(operation) ?? 0) + 1);
  }

  /** Beyond loopback, the administrator's SigV4 signature; answers 403 and returns false if missing. */
  private authorized(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    method: string,
    rawPath: string,
  ): boolean {
    if (!this.deps.controlNeedsAuth) return true;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    try {
      verifySigV4(
        { method, rawPath, rawQuery: q === -1 ? '' : url.slice(q + 1), headers: req.headers, body },
        this.deps.keys,
        this.deps.now(),
      );
      return true;
    } catch (err) {
      if (!(err instanceof WorkDocsError)) throw err;
      sendJson(res, 403, {
        message: `The chaos API needs the administrator's key pair: ${err.message}`,
        code: err.code,
      });
      return false;
    }
  }

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    rawPath: string,
  ): Promise<void> {
    const chaos = this.deps.chaos;
    const notFound = (): undefined => {
      sendJson(res, 404, { message: `No control-plane route ${method} ${rawPath}` });
      return undefined;
    };
    let body: Buffer;
    try {
      body = await readBody(req, MAX_API_BODY);
    } catch (err) {
      if (err instanceof HttpError) {
        sendJson(res, err.status, { message: err.message });
        return;
      }
      throw err;
    }
    if (
      rawPath.startsWith('/_local/chaos/') &&
      chaos &&
      !this.authorized(req, res, body, method, rawPath)
    ) {
      return;
    }
    const parse = <T extends z.ZodType>(schema: T): z.output<T> | undefined => {
      const type = header(req, 'content-type')?.split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') {
        sendJson(res, 415, { message: 'The body must be sent as Content-Type: application/json' });
        return undefined;
      }
      let json: unknown;
      try {
        json = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        sendJson(res, 400, { message: 'The body is not valid JSON' });
        return undefined;
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        sendJson(res, 400, {
          message: 'The body does not match the expected shape',
          issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
        });
        return undefined;
      }
      return parsed.data;
    };
    switch (rawPath) {
      case '/_local/health':
        if (method !== 'GET') {
          notFound();
          return;
        }
        sendJson(res, 200, { status: 'ok' });
        return;
      case '/_local/stats':
        if (method === 'GET') {
          sendJson(res, 200, { operations: Object.fromEntries(this.stats) });
        } else if (method === 'DELETE') {
          this.stats.clear();
          sendJson(res, 200, { operations: {} });
        } else notFound();
        return;
      case '/_local/chaos/faults': {
        if (!chaos) {
          notFound();
          return;
        }
        if (method === 'GET') {
          sendJson(res, 200, chaos.listFaults());
        } else if (method === 'POST') {
          const rules = parse(faultRulesSchema);
          if (rules === undefined) return;
          for (const r of rules) {
            if (r.error.statusCode === undefined && exceptionStatus(r.error.code) === undefined) {
              sendJson(res, 400, {
                message: `error.code ${r.error.code} is not an exception of the model; give error.statusCode`,
              });
              return;
            }
          }
          chaos.addFaults(rules);
          sendJson(res, 200, chaos.listFaults());
        } else if (method === 'DELETE') {
          chaos.clearFaults();
          sendJson(res, 200, []);
        } else notFound();
        return;
      }
      case '/_local/chaos/effects': {
        if (!chaos) {
          notFound();
          return;
        }
        if (method === 'GET') {
          sendJson(res, 200, chaos.listEffects());
        } else if (method === 'POST') {
          const effects = parse(effectsSchema);
          if (effects === undefined) return;
          chaos.setEffects(effects);
          sendJson(res, 200, chaos.listEffects());
        } else if (method === 'DELETE') {
          chaos.setEffects([]);
          sendJson(res, 200, []);
        } else notFound();
        return;
      }
      case '/_local/chaos/injections': {
        if (!chaos) {
          notFound();
          return;
        }
        if (method === 'GET') {
          sendJson(res, 200, chaos.injections());
        } else if (method === 'DELETE') {
          chaos.clearInjections();
          sendJson(res, 200, chaos.injections());
        } else notFound();
        return;
      }
      default:
        notFound();
    }
  }
}
