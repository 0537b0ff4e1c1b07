import type { StorageView } from '../../api/projects.ts';
import { Badge, type BadgeTone } from '../../components/badge.tsx';

const tones: Record<StorageView['state'], BadgeTone> = {
  ready: 'green',
  provisioning: 'amber',
  failed: 'red',
};

export function StorageBadge({ storage }: { storage: StorageView }) {
  return (
    <Badge tone={tones[storage.state]}>
      {storage.kind === 'managed' ? 'Managed' : 'External S3'} · {storage.state}
    </Badge>
  );
}
