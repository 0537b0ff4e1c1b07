import type { Project } from '../../api/projects.ts';
import { AuditPanel } from '../audit/audit-panel.tsx';
import { MembersPanel } from '../members/members-panel.tsx';
import { StoragePanel } from '../storage/storage-panel.tsx';

export function SettingsTab({ project }: { project: Project }) {
  return (
    <div className="space-y-6">
      <MembersPanel project={project.name} />
      <StoragePanel project={project} />
      <AuditPanel project={project.name} />
    </div>
  );
}
