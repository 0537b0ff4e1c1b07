import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from '../context.ts';
import { now } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import type { ProjectsTable, SessionsTable } from '../db/schema.ts';
import { findSessionById, TERMINAL_STATUSES } from '../db/sessions.ts';
import { checkBudget } from './budget.ts';
import { failSessionOverBudget } from './fail-over-budget.ts';
import { type ModelMetrics, modelMetricsIn } from './model-metrics.ts';
import { effectiveModel, findModelSettings } from './model-settings-store.ts';
import { PriceTable } from './price-table.ts';
import { UsageMeter } from './usage-meter.ts';
import { monthStart, recordModelRequest, usageTotals } from './usage-store.ts';

/** Request headers the provider sees; the caller's credentials are never among them. */
const FORWARDED_REQUEST_HEADERS = [
  'anthropic-version',
  'anthropic-beta',
  'content-type',
  'accept',
  'user-agent',
];
const FORWARDED_RESPONSE_HEADERS = /^(content-type|request-id|retry-after|x-should-retry|anthropic-.*)$/i;

/** An error in the Messages API's own shape, which the SDK reports to the agent as it would Anthropic's. */
function anthropicError(res: ServerResponse, status: number, type: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ type: 'error', error: { type, message } }));
}

/**
 * The runner's only way to a model: forwards a session's Messages API requests to its project's provider
 * with the provider key added (the runner never holds it), passes the response through byte for byte
 * (SSE included), reads the usage it reports, prices it and records it against the session. A session's
 * requests are admitted one at a time, each only while the session and project budgets have room, so
 * spend never passes a budget by more than the one request in flight when it was reached.
 */
export class ModelGateway {
  readonly metrics: ModelMetrics;
  readonly prices: PriceTable;
  readonly #lanes = new Map<string, Promise<void>>();

  constructor(private readonly ctx: AppContext) {
    this.metrics = modelMetricsIn(ctx.metrics.registry);
    this.prices = new PriceTable(ctx.config.modelPrices);
  }

  /** Handles `POST …/model/v1/messages[/count_tokens]` for a session whose model key was verified. */
  async forward(
    sessionId: string,
    path: '/v1/messages' | '/v1/messages/count_tokens',
    body: Buffer,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const metered = path === '/v1/messages';
    if (!metered) return this.#handle(sessionId, path, body, req, res, false);
    // One lane per session: the next request waits until the previous one is recorded.
    const previous = this.#lanes.get(sessionId) ?? Promise.resolve();
    const mine = previous.then(() => this.#handle(sessionId, path, body, req, res, true));
    const lane = mine.catch(() => {});
    this.#lanes.set(sessionId, lane);
    try {
      await mine;
    } finally {
      if (this.#lanes.get(sessionId) === lane) this.#lanes.delete(sessionId);
    }
  }

  async #handle(
    sessionId: string,
    path: string,
    body: Buffer,
    req: IncomingMessage,
    res: ServerResponse,
    metered: boolean,
  ): Promise<void> {
    if (res.destroyed) return;
    const session = await findSessionById(this.ctx.db, sessionId);
    if (!session) return anthropicError(res, 404, 'not_found_error', 'This session does not exist.');
    const project = await this.ctx.db
      .selectFrom('projects')
      .selectAll()
      .where('id', '=', session.project_id)
      .executeTakeFirstOrThrow();
    if (TERMINAL_STATUSES.includes(session.status)) {
      this.metrics.refused.inc({ project: project.name, reason: 'session_finished' });
      return anthropicError(
        res,
        403,
        'permission_error',
        `The session is ${session.status}${session.error_code ? ` (${session.error_code})` : ''}; its model access has ended.`,
      );
    }
    const model = effectiveModel(
      this.ctx.config,
      this.ctx.secretBox,
      project.id,
      await findModelSettings(this.ctx.db, project.id),
    );
    if (metered) {
      const [spent, month] = await Promise.all([
        usageTotals(this.ctx.db, { sessionId }),
        usageTotals(this.ctx.db, { projectId: project.id, since: monthStart() }),
      ]);
      const verdict = checkBudget(model, spent, month);
      if (!verdict.ok) {
        this.metrics.refused.inc({ project: project.name, reason: 'budget_exceeded' });
        anthropicError(
          res,
          402,
          'billing_error',
          `budget_exceeded: ${verdict.message} ${verdict.remediation}`,
        );
        await failSessionOverBudget(this.ctx, session, verdict);
        return;
      }
    }
    await this.#proxy(session, project, model, path, body, req, res, metered);
  }

  async #proxy(
    session: SessionsTable,
    project: ProjectsTable,
    model: { endpoint: string; apiKey: string | undefined },
    path: string,
    body: Buffer,
    req: IncomingMessage,
    res: ServerResponse,
    metered: boolean,
  ): Promise<void> {
    let requested: { model?: string; stream?: boolean } = {};
    try {
      requested = JSON.parse(body.toString('utf8'));
    } catch {
      return anthropicError(res, 400, 'invalid_request_error', 'The request body is not JSON.');
    }
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    headers['content-type'] ??= 'application/json';
    if (model.apiKey) headers['x-api-key'] = model.apiKey;
    const abort = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) abort.abort();
    };
    res.on('close', onClose);
    const started = performance.now();
    const meter = new UsageMeter(requested.stream === true);
    let status = 0;
    try {
      const upstream = await fetch(`${model.endpoint}${path}`, {
        method: 'POST',
        headers,
        body: new Uint8Array(body) as Uint8Array<ArrayBuffer>,
        signal: abort.signal,
      });
      status = upstream.status;
      const out: Record<string, string> = {};
      upstream.headers.forEach((value, name) => {
        if (FORWARDED_RESPONSE_HEADERS.test(name)) out[name] = value;
      });
      res.writeHead(upstream.status, out);
      let first = true;
      if (upstream.body) {
        for await (const chunk of upstream.body as unknown as AsyncIterable<Uint8Array>) {
          if (first) {
            first = false;
            this.metrics.firstByte.observe(
              { project: project.name, model: requested.model ?? 'unknown' },
              (performance.now() - started) / 1000,
            );
          }
          const bytes = Buffer.from(chunk);
          if (metered) meter.write(bytes);
          if (!res.write(bytes)) await new Promise((resolve) => res.once('drain', resolve));
        }
      }
      res.end();
    } catch (err) {
      if (!abort.signal.aborted) {
        this.ctx.logger.warn(
          { session: session.id, endpoint: model.endpoint, err: (err as Error).message },
          'model provider unreachable',
        );
        anthropicError(
          res,
          502,
          'api_error',
          `The model provider could not be reached: ${(err as Error).message}`,
        );
      }
    } finally {
      res.off('close', onClose);
      if (metered) await this.#record(session, project, requested.model, meter, status, started);
    }
  }

  async #record(
    session: SessionsTable,
    project: ProjectsTable,
    requestedModel: string | undefined,
    meter: UsageMeter,
    status: number,
    started: number,
  ): Promise<void> {
    meter.end();
    const model = meter.model ?? requestedModel ?? 'unknown';
    const latencyMs = Math.round(performance.now() - started);
    const cost = this.prices.costMicroUsd(model, meter.usage);
    const labels = { project: project.name, model };
    this.metrics.duration.observe({ ...labels, status: String(status || 'error') }, latencyMs / 1000);
    const { input, output, cacheRead, cacheWrite } = meter.usage;
    if (input + output + cacheRead + cacheWrite === 0) return;
    this.metrics.tokens.inc({ ...labels, kind: 'input' }, input);
    this.metrics.tokens.inc({ ...labels, kind: 'output' }, output);
    this.metrics.tokens.inc({ ...labels, kind: 'cache_read' }, cacheRead);
    this.metrics.tokens.inc({ ...labels, kind: 'cache_write' }, cacheWrite);
    this.metrics.cost.inc(labels, cost / 1_000_000);
    await recordModelRequest(this.ctx.db, {
      id: newId(),
      session_id: session.id,
      project_id: project.id,
      workspace_id: session.workspace_id,
      model,
      status,
      input_tokens: input,
      output_tokens: output,
      cache_read_tokens: cacheRead,
      cache_write_tokens: cacheWrite,
      cost_micro_usd: cost,
      latency_ms: latencyMs,
      created_at: now(),
    }).catch((err: Error) =>
      this.ctx.logger.error({ session: session.id, err: err.message }, 'model usage not recorded'),
    );
  }
}
