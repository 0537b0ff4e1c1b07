import type { Role } from '../../api/projects.ts';
import { Badge, type BadgeTone } from '../../components/badge.tsx';

const tones: Record<Role, BadgeTone> = { admin: 'purple', edit: 'blue', view: 'gray' };

export function RoleBadge({ role, prefix }: { role: Role; prefix?: string }) {
  return (
    <Badge tone={tones[role]}>
      {prefix}
      {role}
    </Badge>
  );
}
