import { type FormEvent, useState } from 'react';
import type { Workspace } from '../../api/workspaces.ts';
import { Button } from '../../components/button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { TextArea, TextField } from '../../components/field.tsx';
import { Notice } from '../../components/notice.tsx';
import { navigate } from '../../router/history.ts';
import { paths } from '../../router/routes.ts';
import { formErrors } from '../projects/form-errors.ts';
import { useRunSpecify } from './use-sessions.ts';

export function SpecifyDialog({
  project,
  workspace,
  open,
  onClose,
}: {
  project: string;
  workspace: Workspace;
  open: boolean;
  onClose: () => void;
}) {
  const [feature, setFeature] = useState(workspace.feature ?? '');
  const [description, setDescription] = useState('');
  const run = useRunSpecify(project, workspace.slug);
  const errors = formErrors(run.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    run.mutate(
      { feature: feature.trim() || undefined, description: description.trim() },
      {
        onSuccess: (session) => {
          onClose();
          navigate(paths.session(project, session.id));
        },
      },
    );
  };
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Run Specify"
      description={`Writes specs/{feature}/ on ${workspace.canonicalBranch}: directly if you can write upstream, otherwise through a pull request from your fork.`}
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        {errors.form && <Notice tone="error">{errors.form}</Notice>}
        <TextField
          label="Feature"
          optional
          placeholder="001-my-feature"
          value={feature}
          onChange={(e) => setFeature(e.target.value)}
          error={errors.fields.feature}
        />
        <TextArea
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={errors.fields.description}
          required
        />
        <div className="flex justify-end gap-2 border-t border-slate-200 pt-4">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={run.isPending} disabled={!description.trim()}>
            Run Specify
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
