import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { projectsApi } from '../../api/projects.ts';
import { Button } from '../../components/button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { Notice } from '../../components/notice.tsx';
import { formErrors } from '../projects/form-errors.ts';
import { emptyStorageDraft, type StorageDraft, StorageFields, storageInput } from './storage-fields.tsx';

export function ChangeStorageDialog({
  project,
  open,
  onClose,
  onSaved,
}: {
  project: string;
  open: boolean;
  onClose: () => void;
  onSaved: () => void;
}) {
  const client = useQueryClient();
  const [draft, setDraft] = useState<StorageDraft>(emptyStorageDraft);
  const save = useMutation({
    mutationFn: () => projectsApi.setStorage(project, storageInput(draft)),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['projects'] });
      onSaved();
    },
  });
  const errors = formErrors(save.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Change storage"
      description="The new storage is checked before it is used."
      wide
    >
      <form onSubmit={submit} noValidate className="space-y-5">
        {errors.form && <Notice tone="error">{errors.form}</Notice>}
        <StorageFields draft={draft} onChange={setDraft} errors={errors} disabled={save.isPending} />
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={save.isPending}>
            Save storage
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
