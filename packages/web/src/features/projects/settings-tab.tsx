import type { Project } from '../../api/projects.ts';
import { AuditPanel } from '../audit/audit-panel.tsx';
import { MembersPanel } from '../members/members-panel.tsx';
import { ModelPanel } from '../model/model-panel.tsx';
import { ProjectUsagePanel } from '../model/project-usage-panel.tsx';
import { StoragePanel } from '../storage/storage-panel.tsx';

export function SettingsTab({ project }: { project: Project }) {
  return (
    <div className="space-y-6">
      <MembersPanel project={project.name} />
      <StoragePanel project={project} />
      <ModelPanel project={project.name} />
      <ProjectUsagePanel project={project.name} />
      <AuditPanel project={project.name} />
    </div>
  );
}
