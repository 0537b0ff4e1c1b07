import { useState } from 'react';
import type { Project } from '../../api/projects.ts';
import { Button } from '../../components/button.tsx';
import { Notice } from '../../components/notice.tsx';
import { Panel } from '../../components/page.tsx';
import { usePermission } from '../access/use-access.ts';
import { StorageBadge } from '../projects/storage-badge.tsx';
import { ChangeStorageDialog } from './change-storage-dialog.tsx';

export function StoragePanel({ project }: { project: Project }) {
  const can = usePermission(project.name, 'storage.manage');
  const [open, setOpen] = useState(false);
  const [saved, setSaved] = useState(false);
  const s = project.storage;
  const rows: [string, string | undefined][] =
    s.kind === 'managed'
      ? [['Prefix', s.prefix]]
      : [
          ['Bucket', s.bucket],
          ['Endpoint', s.endpoint ?? 'AWS S3'],
          ['Region', s.region],
          ['Prefix', s.prefix || '—'],
          ['Path-style URLs', s.forcePathStyle ? 'yes' : 'no'],
          ['Credentials', s.credentials === 'stored' ? 'stored encrypted' : 'none'],
        ];
  return (
    <Panel
      id="storage"
      title="Storage"
      description="Where this project's session logs and artifacts live."
      actions={
        <Button onClick={() => setOpen(true)} disabledReason={can.allowed ? undefined : can.reason}>
          Change storage
        </Button>
      }
    >
      <div aria-live="polite">
        {saved && (
          <Notice tone="success" className="mb-4" onDismiss={() => setSaved(false)}>
            Storage updated. New data goes to the new location; existing data is not copied.
          </Notice>
        )}
      </div>
      <div className="mb-3">
        <StorageBadge storage={s} />
      </div>
      {s.error && (
        <Notice tone="error" className="mb-3" title="Storage problem">
          {s.error}
        </Notice>
      )}
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-slate-600">{label}</dt>
            <dd className="font-mono break-all text-slate-900">{value ?? '—'}</dd>
          </div>
        ))}
      </dl>
      <ChangeStorageDialog
        project={project.name}
        open={open}
        onClose={() => setOpen(false)}
        onSaved={() => {
          setOpen(false);
          setSaved(true);
        }}
      />
    </Panel>
  );
}
