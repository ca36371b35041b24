/**
 * A counting semaphore. `WorkDocsCaller` holds one per GraphQL request, so every WorkDocs call of
 * that request (loaders, relations, mutations) shares the cap `GATEWAY_MAX_CONCURRENT_UPSTREAM_CALLS`.
 */
/** A counting semaphore: at most `max` tasks of `run` are in flight at once. */
export class Semaphore {
  #active = 0;
  #peak = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be ≥ 1, got ${max}`);
  }

  /** The most tasks that were ever in flight at once. */
  get peak(): number {
    return this.#peak;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active < this.max) {
      this.#active += 1;
    } else {
      // The releasing task hands its slot over, so #active stays as it is.
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#peak = Math.max(this.#peak, this.#active);
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active -= 1;
    }
  }
}
