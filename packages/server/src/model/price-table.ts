import type { ModelPrice } from '../config/model-settings.ts';

export type { ModelPrice };

/**
 * List prices in USD per million tokens by model name prefix (Anthropic's published prices). MODEL_PRICES
 * adds or overrides entries; the longest matching prefix wins and `*` prices every model nothing else
 * matches, so an unknown model is still counted against budgets rather than free.
 */
export const DEFAULT_PRICES: Record<string, ModelPrice> = {
  'claude-opus-4-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-3-7-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
  '*': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
};

export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export const TOKEN_KINDS = ['input', 'output', 'cacheRead', 'cacheWrite'] as const;

export class PriceTable {
  private readonly prices: [string, ModelPrice][];

  constructor(overrides: Record<string, ModelPrice> = {}) {
    this.prices = Object.entries({ ...DEFAULT_PRICES, ...overrides }).sort(
      (a, b) => b[0].length - a[0].length,
    );
  }

  priceOf(model: string): ModelPrice {
    return (this.prices.find(([prefix]) => prefix !== '*' && model.startsWith(prefix)) ??
      this.prices.find(([prefix]) => prefix === '*'))![1];
  }

  /** Cost in micro-dollars: USD per million tokens × tokens is exactly micro-USD. */
  costMicroUsd(model: string, usage: Usage): number {
    const p = this.priceOf(model);
    return Math.round(
      usage.input * p.input +
        usage.output * p.output +
        usage.cacheRead * p.cacheRead +
        usage.cacheWrite * p.cacheWrite,
    );
  }
}
