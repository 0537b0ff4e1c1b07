import { ConfigError } from '../errors.ts';
import { list, optionalText, type Setting, url } from './settings.ts';

/** USD per million tokens of each kind. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

const price = (value: unknown, where: string, env: string): ModelPrice => {
  const p = value as Record<string, unknown>;
  for (const kind of ['input', 'output', 'cacheRead', 'cacheWrite']) {
    const n = p?.[kind];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new ConfigError(
        env,
        `${where}.${kind} must be a price in USD per million tokens (a number ≥ 0).`,
      );
    }
  }
  return p as unknown as ModelPrice;
};

const priceTable = (describe: string): Setting<Record<string, ModelPrice>> => ({
  env: '',
  describe,
  default: {},
  parse: (raw, env) => {
    if (raw.trim() === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ConfigError(
        env,
        'is not JSON; expected {"model-prefix": {"input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75}}.',
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(env, 'must be a JSON object keyed by model name prefix.');
    }
    return Object.fromEntries(Object.entries(parsed).map(([model, p]) => [model, price(p, model, env)]));
  },
});

/**
 * Platform-wide model defaults for single-team installs: a project without its own model settings uses
 * these. The key stays in the backend; runners only ever reach the model through the session gateway.
 */
export const modelSettings = {
  anthropicBaseUrl: {
    ...url(
      'Platform default model provider (an Anthropic-compatible Messages API); https://api.anthropic.com when unset',
      ['http:', 'https:'],
    ),
    env: 'ANTHROPIC_BASE_URL',
  },
  anthropicApiKey: {
    ...optionalText('Platform default provider API key, used by projects without their own key'),
    env: 'ANTHROPIC_API_KEY',
  },
  defaultModel: {
    ...optionalText("Model for sessions whose project names none; the agent SDK's default when unset"),
    env: 'RFE_DEFAULT_MODEL',
  },
  modelPrices: {
    ...priceTable(
      'Extra or overriding prices (USD per million tokens) by model name prefix, as JSON; the longest prefix wins',
    ),
    env: 'MODEL_PRICES',
  },
  modelProviderHosts: {
    ...list(
      'Hosts a project may name as its model provider (comma separated); any public https host when unset',
    ),
    env: 'MODEL_PROVIDER_HOSTS',
  },
} satisfies Record<string, Setting<unknown>>;
