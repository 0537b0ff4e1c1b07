import { type FormEvent, useState } from 'react';
import { Button } from '../../components/button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { TextField } from '../../components/field.tsx';
import { Notice } from '../../components/notice.tsx';
import { formErrors } from '../projects/form-errors.ts';
import { type ComponentDraft, ComponentRows } from './component-rows.tsx';
import { useCreateWorkspace } from './use-workspaces.ts';

export function CreateWorkspaceDialog({
  project,
  open,
  onClose,
  onCreated,
}: {
  project: string;
  open: boolean;
  onClose: () => void;
  onCreated: (slug: string) => void;
}) {
  const [name, setName] = useState('');
  const [upstream, setUpstream] = useState('');
  const [components, setComponents] = useState<ComponentDraft[]>([]);
  const create = useCreateWorkspace(project);
  const errors = formErrors(create.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        upstream: upstream.trim(),
        components: components
          .filter((c) => c.name.trim() || c.url.trim())
          .map(({ uid: _uid, ...c }) => ({ ...c, branch: c.branch?.trim() || undefined })),
      },
      { onSuccess: (w) => onCreated(w.slug) },
    );
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="New workspace"
      description="Binds an RFE to an umbrella repository. The canonical branch rfe/{slug} is created and bootstrapped when missing."
      wide
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        {errors.form && <Notice tone="error">{errors.form}</Notice>}
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.fields.name}
          hint="The slug and branch name are derived from it."
          required
        />
        <TextField
          label="Upstream umbrella repository"
          placeholder="acme/umbrella"
          value={upstream}
          onChange={(e) => setUpstream(e.target.value)}
          error={errors.fields.upstream}
          hint="owner/name on the configured GitHub host; can't be changed later."
          spellCheck={false}
          required
        />
        <ComponentRows components={components} onChange={setComponents} errors={errors.fields} />
        <div className="flex justify-end gap-2 border-t border-slate-200 pt-4">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create workspace
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
