/**
 * Cursors the client cannot forge: every cursor the gateway hands out is its payload followed by an
 * HMAC-SHA256 of that payload (`<payload>.<mac>`, base64url), keyed with `GATEWAY_CURSOR_KEY` or,
 * when unset, a random key of the process. A cursor whose MAC does not verify — edited to point
 * deep into a listing, made up, or issued by a gateway with another key — is refused before any
 * call. Replicas behind one load balancer need the same `GATEWAY_CURSOR_KEY`, or a cursor from one
 * is refused by the others.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const MAC_BYTES = 32;

export class CursorSigner {
  private readonly key: Buffer;

  /** `key` undefined = a random key for this process. */
  constructor(key?: string) {
    this.key = key === undefined ? randomBytes(32) : Buffer.from(key, 'utf8');
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest();
  }

  /** `payload` (base64url characters only) → `payload.mac`. */
  sign(payload: string): string {
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /** The payload of a cursor this signer issued; undefined for anything else. */
  verify(cursor: string): string | undefined {
    const dot = cursor.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const payload = cursor.slice(0, dot);
    const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
    if (given.length !== MAC_BYTES) return undefined;
    return timingSafeEqual(given, this.mac(payload)) ? payload : undefined;
  }
}
