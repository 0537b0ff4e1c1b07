import { DisabledReason } from '../../components/button.tsx';
import { Panel } from '../../components/page.tsx';
import { Loading } from '../../components/states.tsx';
import { permission } from '../access/capabilities.ts';
import { useAccess } from '../access/use-access.ts';
import { AuditLog } from './audit-log.tsx';

export function AuditPanel({ project }: { project: string }) {
  const access = useAccess(project);
  const can = permission(access.data, 'audit.read');
  return (
    <Panel
      id="audit"
      title="Audit log"
      description="Who changed what in this project: members, storage, workspaces, sessions and token issuance."
    >
      {access.isPending ? (
        <Loading label="Checking your role…" />
      ) : can.allowed ? (
        <AuditLog project={project} />
      ) : (
        <DisabledReason>{can.reason}</DisabledReason>
      )}
    </Panel>
  );
}
