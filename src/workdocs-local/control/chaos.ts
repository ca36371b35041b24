/**
 * Fault injection, modelled on LocalStack's chaos API: fault rules make operations fail with any
 * exception before they run; effects delay responses or drop them after the operation ran.
 */
import { z } from 'zod';
import { WorkDocsError } from '../errors.js';
import { exceptionStatus, model } from '../model.js';

/** An operation name of the model (a typo would otherwise silently never match). */
const operationName = z.string().refine((name) => Object.hasOwn(model.operations, name), {
  error: 'not an operation of the WorkDocs model',
});

export const faultRuleSchema = z.strictObject({
  operation: operationName.optional(),
  error: z.strictObject({
    // Sent as the x-amzn-errortype header: visible ASCII only.
    code: z
      .string()
      .max(256)
      .regex(/^[\x21-\x7e]+$/, 'must be visible ASCII characters without spaces'),
    statusCode: z.number().int().min(400).max(599).optional(),
    message: z.string().optional(),
  }),
  probability: z.number().min(0).max(1).default(1),
  count: z.number().int().positive().optional(),
});
export type FaultRule = z.output<typeof faultRuleSchema>;

const asArray = (v: unknown): unknown => (Array.isArray(v) ? v : [v]);

/** One rule or an array of rules. */
export const faultRulesSchema = z.preprocess(asArray, z.array(faultRuleSchema));

export const effectSchema = z.strictObject({
  operation: operationName.optional(),
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  drop: z.boolean().optional(),
  /** Share of the matching calls it applies to (default: all). */
  probability: z.number().min(0).max(1).optional(),
  /** How many calls it applies to before it is removed (default: until removed). */
  count: z.number().int().positive().optional(),
});
export type Effect = z.output<typeof effectSchema>;
/** One effect or an array of effects. */
export const effectsSchema = z.preprocess(asArray, z.array(effectSchema));

/** What the chaos API injected since start (or the last reset), per operation. */
export interface Injections {
  /** operation → exception code → calls answered with it. */
  faults: Record<string, Record<string, number>>;
  /** operation → calls whose response was delayed. */
  delayed: Record<string, number>;
  /** operation → calls whose response was dropped. */
  dropped: Record<string, number>;
}

const noInjections = (): Injections => ({ faults: {}, delayed: {}, dropped: {} });

export class Chaos {
  private faults: FaultRule[] = [];
  private effects: Effect[] = [];
  private injected: Injections = noInjections();

  constructor(private readonly random: () => number = Math.random) {}

  addFaults(rules: FaultRule[]): void {
    this.faults.push(...rules);
  }

  listFaults(): FaultRule[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clearFaults(): void {
    this.faults = [];
  }

  setEffects(effects: Effect[]): void {
    // `{}` clears: an effect that neither delays nor drops is no effect.
    this.effects = effects.filter((e) => (e.latencyMs ?? 0) > 0 || e.drop === true);
  }

  listEffects(): Effect[] {
    return this.effects.map((e) => ({ ...e }));
  }

  /** The injected exception for this call, if a rule fires (counts down and removes rules). */
  fault(operation: string): WorkDocsError | undefined {
    for (let i = 0; i < this.faults.length; i++) {
      const rule = this.faults[i];
      if (!rule) continue;
      if (rule.operation !== undefined && rule.operation !== operation) continue;
      if (rule.probability < 1 && this.random() >= rule.probability) continue;
      if (rule.count !== undefined) {
        rule.count -= 1;
        if (rule.count <= 0) this.faults.splice(i, 1);
      }
      const code = rule.error.code;
      const byCode = (this.injected.faults[operation] ??= {});
      byCode[code] = (byCode[code] ?? 0) + 1;
      const status = rule.error.statusCode ?? exceptionStatus(code) ?? 500;
      const members: Record<string, unknown> =
        code === 'EntityNotExistsException' ? { EntityIds: [] } : {};
      return new WorkDocsError(
        code,
        rule.error.message ?? `Injected fault: ${code} for ${operation}`,
        members,
        status,
      );
    }
    return undefined;
  }

  /**
   * The combined effect for this call: the largest latency, and drop if any says so, of the
   * effects that match the operation and fire (by probability; counted down and removed at 0).
   */
  effectFor(operation: string): { latencyMs: number; drop: boolean } {
    let latencyMs = 0;
    let drop = false;
    for (let i = 0; i < this.effects.length; i++) {
      const e = this.effects[i];
      if (!e) continue;
      if (e.operation !== undefined && e.operation !== operation) continue;
      if (e.probability !== undefined && e.probability < 1 && this.random() >= e.probability) {
        continue;
      }
      if (e.count !== undefined) {
        e.count -= 1;
        if (e.count <= 0) this.effects.splice(i--, 1);
      }
      latencyMs = Math.max(latencyMs, e.latencyMs ?? 0);
      drop ||= e.drop === true;
    }
    if (latencyMs > 0)
      this.injected.delayed[operation] = (this.injected.delayed[operation] ?? 0) + 1;
    if (drop) this.injected.dropped[operation] = (this.injected.dropped[operation] ?? 0) + 1;
    return { latencyMs, drop };
  }

  /** What was injected since start or the last `clearInjections`. */
  injections(): Injections {
    return structuredClone(this.injected);
  }

  clearInjections(): void {
    this.injected = noInjections();
  }
}
