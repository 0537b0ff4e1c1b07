import { describe, expect, it } from 'vitest';
import { msg } from '../../../test/messages.ts';
import { deriveRows } from './rows.ts';

describe('deriveRows (the stream reducer)', () => {
  it("folds a command's start, output chunks and end into one row keyed by its first seq", () => {
    const { rows } = deriveRows([
      msg('command_start', { cmd: 'echo hi', cwd: '/w' }, { seq: 1 }),
      msg('command_output', { stream: 'stdout', chunk: 'h' }, { seq: 2 }),
      msg('command_output', { stream: 'stderr', chunk: 'i\n' }, { seq: 3 }),
      msg('command_end', { cmd: 'echo hi', exitCode: 0, durationMs: 3 }, { seq: 4 }),
      msg('log', { text: 'after' }, { seq: 5 }),
    ]);
    expect(rows.map((r) => r.key)).toEqual(['s1', 's5']);
    const command = rows[0]!;
    expect(command.kind).toBe('command');
    if (command.kind !== 'command') return;
    expect(command.output.map((o) => o.payload.chunk).join('')).toBe('hi\n');
    expect(command.end?.payload.exitCode).toBe(0);
    expect(command.cancelled).toBeUndefined();
  });

  it('keeps heartbeats and status out of the rows, remembering the latest status', () => {
    const { rows, status } = deriveRows([
      msg('heartbeat', {}, { seq: 1 }),
      msg('status', { phase: 'cloning', progress: 10 }, { seq: 2 }),
      msg('status', { phase: 'running', progress: 60 }, { seq: 3 }),
    ]);
    expect(rows).toEqual([]);
    expect(status?.payload).toEqual({ phase: 'running', progress: 60 });
  });

  it('gives output whose start is on an unloaded page a row of its own, and an unmatched end too', () => {
    const { rows } = deriveRows([
      msg('command_output', { stream: 'stdout', chunk: 'tail' }, { seq: 10 }),
      msg('command_end', { cmd: 'make', exitCode: 2, durationMs: 1 }, { seq: 11 }),
      msg('command_end', { cmd: 'other', exitCode: 0, durationMs: 1 }, { seq: 12 }),
    ]);
    expect(rows.map((r) => r.key)).toEqual(['s10', 's12']);
    expect(rows[0]!.kind === 'command' && rows[0]!.start).toBeUndefined();
  });

  it('marks the command killed by a cancel, and the error after it, as the stop (not a failure)', () => {
    const { rows } = deriveRows([
      msg('command_start', { cmd: 'sleep 60', cwd: '/w' }, { seq: 1 }),
      msg(
        'cancel',
        { reason: 'enough' },
        { seq: 2, origin: 'ui', sender: { userId: 'u', subject: 'alice' } },
      ),
      msg('command_end', { cmd: 'sleep 60', exitCode: 137, durationMs: 900 }, { seq: 3 }),
      msg('error', { code: 'runner_stopped', message: 'The runner was stopped (SIGTERM)' }, { seq: 4 }),
    ]);
    const [command, cancel, error] = rows;
    expect(command?.kind === 'command' && command.cancelled).toBe(true);
    expect(cancel?.kind === 'message' && cancel.message.type).toBe('cancel');
    expect(error?.kind === 'message' && error.afterCancel).toBe(true);
  });

  it("reads the backend's closing `cancelled` error as the stop of the command it interrupted", () => {
    const { rows } = deriveRows([
      msg('command_start', { cmd: 'echo started', cwd: '.' }, { seq: 1 }),
      msg('command_end', { cmd: 'echo started', exitCode: 0, durationMs: 5 }, { seq: 2 }),
      msg('command_start', { cmd: 'sleep 120', cwd: '.' }, { seq: 3 }),
      msg('command_end', { cmd: 'sleep 120', exitCode: 137, durationMs: 1100 }, { seq: 4 }),
      msg(
        'error',
        { code: 'cancelled', message: 'The runner was stopped (SIGTERM).' },
        { seq: 5, origin: 'backend' },
      ),
    ]);
    expect(rows.map((r) => (r.kind === 'command' ? Boolean(r.cancelled) : r.afterCancel))).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('attaches an end that arrives after the closing error to its command (one row, still stopped)', () => {
    const { rows } = deriveRows([
      msg('command_start', { cmd: 'sleep 120', cwd: '.' }, { seq: 1 }),
      msg('error', { code: 'cancelled', message: 'stopped' }, { seq: 2, origin: 'backend' }),
      msg('command_end', { cmd: 'sleep 120', exitCode: 143, durationMs: 900 }, { seq: 3 }),
    ]);
    expect(rows.map((r) => r.key)).toEqual(['s1', 's2']);
    expect(rows[0]?.kind === 'command' && rows[0].end?.seq).toBe(3);
    expect(rows[0]?.kind === 'command' && rows[0].cancelled).toBe(true);
  });

  it('a command that failed on its own before a cancel keeps its failure', () => {
    const { rows } = deriveRows([
      msg('command_start', { cmd: 'false', cwd: '.' }, { seq: 1 }),
      msg('command_end', { cmd: 'false', exitCode: 1, durationMs: 5 }, { seq: 2 }),
      msg('error', { code: 'cancelled', message: 'stopped' }, { seq: 3, origin: 'backend' }),
    ]);
    expect(rows[0]?.kind === 'command' && rows[0].cancelled).toBeUndefined();
  });

  it('an error without a cancel before it is a failure', () => {
    const { rows } = deriveRows([msg('error', { code: 'boom', message: 'failed' }, { seq: 1 })]);
    expect(rows[0]?.kind === 'message' && rows[0].afterCancel).toBeUndefined();
  });
});
