import type { PersistedEnvelope, PersistedEnvelopeOf } from '@rfe/protocol';

export type MessageRow = { kind: 'message'; key: string; message: PersistedEnvelope };
export type CommandRow = {
  kind: 'command';
  key: string;
  start?: PersistedEnvelopeOf<'command_start'>;
  output: PersistedEnvelopeOf<'command_output'>[];
  end?: PersistedEnvelopeOf<'command_end'>;
};
export type Row = MessageRow | CommandRow;

export interface DerivedStream {
  rows: Row[];
  /** The runner's latest `status` message, shown in the header rather than as rows. */
  status?: PersistedEnvelopeOf<'status'>;
}

/**
 * Turns the message log into display rows: a command's start, output chunks and end become one row;
 * heartbeats and status updates are not rows. Row keys are the seq of their first message, so they stay
 * stable as messages arrive and as older pages are added in front.
 */
export function deriveRows(messages: readonly PersistedEnvelope[]): DerivedStream {
  const rows: Row[] = [];
  let open: CommandRow | undefined;
  let status: PersistedEnvelopeOf<'status'> | undefined;
  for (const m of messages) {
    switch (m.type) {
      case 'heartbeat':
        break;
      case 'status':
        status = m;
        break;
      case 'command_start':
        open = { kind: 'command', key: `s${m.seq}`, start: m, output: [] };
        rows.push(open);
        break;
      case 'command_output':
        if (!open) {
          // Output whose start is on a page not loaded yet.
          open = { kind: 'command', key: `s${m.seq}`, output: [] };
          rows.push(open);
        }
        open.output.push(m);
        break;
      case 'command_end':
        if (open && (!open.start || open.start.payload.cmd === m.payload.cmd)) {
          open.end = m;
        } else {
          rows.push({ kind: 'command', key: `s${m.seq}`, output: [], end: m });
        }
        open = undefined;
        break;
      default:
        rows.push({ kind: 'message', key: `s${m.seq}`, message: m });
    }
  }
  return { rows, status };
}
