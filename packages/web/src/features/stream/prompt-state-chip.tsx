import { Badge, type BadgeTone } from '../../components/badge.tsx';
import type { PromptState, PromptStatus } from './prompt-states.ts';

const look: Record<PromptState, { tone: BadgeTone; label: string }> = {
  queued: { tone: 'gray', label: 'queued' },
  delivered: { tone: 'blue', label: 'delivered' },
  answered: { tone: 'green', label: 'answered' },
  dropped: { tone: 'amber', label: 'not delivered' },
};

/** Where a prompt is on its way to the agent: queued → delivered → answered, or not delivered and why. */
export function PromptStateChip({ status }: { status: PromptStatus }) {
  const { tone, label } = look[status.state];
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5" data-prompt-state={status.state}>
      <Badge tone={tone}>{label}</Badge>
      {status.reason && <span className="text-xs text-amber-900">{status.reason}</span>}
    </span>
  );
}
