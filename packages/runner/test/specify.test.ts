import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForgeWorld } from './support/forge-world.ts';
import { startSession } from './support/session-for.ts';

const TEMPLATES = {
  '.specify/templates/spec-template.md':
    '# Feature Specification: [FEATURE NAME]\n\n**Feature Branch**: `[###-feature-name]`\n**Created**: [DATE]\n**Input**: User description: "$ARGUMENTS"\n\n## User Scenarios\n\n[Describe the primary user journey]\n',
  '.specify/templates/plan-template.md':
    '# Implementation Plan: [FEATURE]\n\n**Branch**: `[###-feature-name]` | **Date**: [DATE] | **Spec**: [link]\n\n## Summary\n\n[Extract from feature spec]\n',
  '.specify/templates/tasks-template.md':
    '# Tasks: [FEATURE NAME]\n\n**Input**: Design documents from `/specs/[###-feature-name]/`\n\n- [ ] T001 [Describe task]\n',
};

let world: ForgeWorld;

beforeAll(async () => {
  world = await ForgeWorld.start();
  await world.createUmbrellaBranch('rfe/payments', TEMPLATES);
});
afterAll(async () => {
  await world?.close();
});

describe('the specify adapter', () => {
  it('as alice, writes spec.md, plan.md and tasks.md from the workspace templates and pushes them to canonical', async () => {
    const { peer, runner } = await startSession(world, {
      login: 'alice',
      slug: 'payments',
      adapter: 'specify',
      prompt: 'Let customers pay invoices by card, with receipts sent by e-mail ($5 minimum).',
      directPush: ['acme/umbrella'],
      extra: { RFE_SPECIFY_FEATURE: 'card-payments' },
    });
    expect((await runner.exited).code, runner.stderr()).toBe(0);

    const canonical = await world.checkout('acme/umbrella', 'rfe/payments');
    // spec-kit numbering: the first feature of an empty specs/ is 001-.
    const folder = join(canonical, 'specs', '001-card-payments');
    const spec = await readFile(join(folder, 'spec.md'), 'utf8');
    expect(spec).toContain('# Feature Specification: Card payments');
    expect(spec).toContain('**Feature Branch**: `001-card-payments`');
    expect(spec).toContain(
      'User description: "Let customers pay invoices by card, with receipts sent by e-mail ($5 minimum)."',
    );
    expect(spec).toMatch(/\*\*Created\*\*: \d{4}-\d{2}-\d{2}/);
    expect(await readFile(join(folder, 'plan.md'), 'utf8')).toContain('# Implementation Plan: Card payments');
    expect(await readFile(join(folder, 'tasks.md'), 'utf8')).toContain('/specs/001-card-payments/');

    expect(peer.messages('file_change').map((m) => [m.payload.path, m.payload.change])).toEqual([
      ['specs/001-card-payments/plan.md', 'create'],
      ['specs/001-card-payments/spec.md', 'create'],
      ['specs/001-card-payments/tasks.md', 'create'],
    ]);
    // Without a model the copy is labelled as such, in the session and in the result (the PR body).
    const label = 'Templates only — no model is configured for this project';
    expect(peer.messages('log').some((m) => String(m.payload.text).includes(label))).toBe(true);
    expect(String(peer.messages('result')[0]!.payload.summary)).toContain(label);
    expect(peer.messages('pr_intent')).toHaveLength(0);
    await peer.stop();
  });

  it('as bob, who cannot write upstream, pushes to his fork and asks for a PR to canonical', async () => {
    const { peer, runner } = await startSession(world, {
      login: 'bob',
      slug: 'payments',
      adapter: 'specify',
      prompt: 'Refund a card payment',
    });
    expect((await runner.exited).code, runner.stderr()).toBe(0);
    const intents = peer.messages('pr_intent').map((m) => m.payload);
    expect(intents.map((i) => [i.repo, i.base])).toEqual([['acme/umbrella', 'rfe/payments']]);
    expect(intents[0].head).toMatch(/^bob:rfe\/payments\/session-/);
    const fork = await world.checkout('bob/umbrella', intents[0].head.slice('bob:'.length), 'bob');
    // The canonical branch already has 001-card-payments: the next feature is 002.
    expect(await readFile(join(fork, 'specs', '002-refund-a-card-payment', 'spec.md'), 'utf8')).toContain(
      'Feature Specification: Refund a card payment',
    );
    await peer.stop();
  });

  it('without the templates, fails naming the missing file', async () => {
    await world.createUmbrellaBranch('rfe/no-templates');
    const { peer, runner } = await startSession(world, {
      login: 'alice',
      slug: 'no-templates',
      adapter: 'specify',
      prompt: 'Anything',
    });
    expect((await runner.exited).code).toBe(1);
    expect(peer.messages('error')[0].payload.code).toBe('templates_missing');
    expect(peer.messages('error')[0].payload.message).toContain('.specify/templates/spec-template.md');
    await peer.stop();
  });
});
