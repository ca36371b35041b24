/**
 * The per-request budget of WorkDocs calls and of items read, enforced by `WorkDocsCaller` where the
 * calls are made (so aliases, `versions` reading every page, `versions { source }` making one call
 * per version, or deep cursors cannot make a request cost more than it was allowed):
 *
 * - calls: every attempt sent to WorkDocs counts, retries included
 *   (`GATEWAY_MAX_UPSTREAM_CALLS`);
 * - items: what the answers carry — each document, folder, version or user of a listing, 1 for a
 *   single resource (`GATEWAY_MAX_ITEMS_READ`).
 *
 * Once a limit is reached, every further call of the request is refused without being sent, with
 * REQUEST_BUDGET_EXCEEDED (not retryable: the same request would exceed it again). The answer that
 * pushed the item count over the limit is refused too, so a request never uses more than it may.
 */
import { GatewayError } from './errors.js';

export interface BudgetLimits {
  /** The most WorkDocs calls (attempts) of one request. */
  maxCalls: number;
  /** The most items one request may read from WorkDocs answers. */
  maxItems: number;
}

/** The list members of WorkDocs outputs that carry items. */
const LIST_MEMBERS = ['Documents', 'Folders', 'DocumentVersions', 'Users'] as const;

/** How many items a WorkDocs answer carries: the lengths of its lists, else 1. */
export function itemsOf(output: object): number {
  const record = output as Partial<Record<(typeof LIST_MEMBERS)[number], unknown>>;
  let lists = 0;
  let items = 0;
  for (const member of LIST_MEMBERS) {
    const value = record[member];
    if (Array.isArray(value)) {
      lists++;
      items += value.length;
    }
  }
  return lists > 0 ? items : 1;
}

export class RequestBudget {
  private calls = 0;
  private items = 0;

  constructor(readonly limits: BudgetLimits) {}

  /** The calls made and items read so far. */
  get used(): { calls: number; items: number } {
    return { calls: this.calls, items: this.items };
  }

  /** Counts one call about to be sent; throws REQUEST_BUDGET_EXCEEDED when none is left. */
  spendCall(operation: string): void {
    if (this.items > this.limits.maxItems || this.calls >= this.limits.maxCalls) {
      throw this.exceeded(`${operation} was not sent`);
    }
    this.calls++;
  }

  /** Counts the items of an answer; throws REQUEST_BUDGET_EXCEEDED when they pass the limit. */
  spendItems(operation: string, output: object): void {
    this.items += itemsOf(output);
    if (this.items > this.limits.maxItems)
      throw this.exceeded(`the answer of ${operation} is not used`);
  }

  private exceeded(consequence: string): GatewayError {
    const { maxCalls, maxItems } = this.limits;
    const what =
      this.items > maxItems
        ? `read more than ${String(maxItems)} items (GATEWAY_MAX_ITEMS_READ)`
        : `made ${String(maxCalls)} WorkDocs calls (GATEWAY_MAX_UPSTREAM_CALLS)`;
    return new GatewayError({
      code: 'REQUEST_BUDGET_EXCEEDED',
      message:
        `This request already ${what}; ${consequence}. ` +
        'Ask for fewer items, nested lists or aliases per request, and page with `after`.',
    });
  }
}
