import type { SessionStatus } from '../../api/sessions.ts';
import { Badge, type BadgeTone } from '../../components/badge.tsx';

const tones: Record<SessionStatus, BadgeTone> = {
  queued: 'gray',
  running: 'blue',
  succeeded: 'green',
  failed: 'red',
  cancelled: 'amber',
};

export function SessionStatusBadge({ status }: { status: SessionStatus }) {
  return (
    <Badge tone={tones[status]}>
      {status === 'running' && (
        <span className="size-1.5 animate-pulse rounded-full bg-sky-600" aria-hidden="true" />
      )}
      {status}
    </Badge>
  );
}
