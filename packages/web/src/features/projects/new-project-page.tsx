import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { projectsApi } from '../../api/projects.ts';
import { Button, buttonClass } from '../../components/button.tsx';
import { TextField } from '../../components/field.tsx';
import { Notice } from '../../components/notice.tsx';
import { PageHeader } from '../../components/page.tsx';
import { navigate } from '../../router/history.ts';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import {
  emptyStorageDraft,
  type StorageDraft,
  StorageFields,
  storageInput,
} from '../storage/storage-fields.tsx';
import { formErrors } from './form-errors.ts';
import { projectsKey } from './query-keys.ts';

export function NewProjectPage() {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [storage, setStorage] = useState<StorageDraft>(emptyStorageDraft);
  const create = useMutation({
    mutationFn: () =>
      projectsApi.create({
        name: name.trim(),
        displayName: displayName.trim() || undefined,
        storage: storageInput(storage),
      }),
    onSuccess: async (project) => {
      await client.invalidateQueries({ queryKey: projectsKey });
      navigate(paths.project(project.name));
    },
  });
  const errors = formErrors(create.error);
  const formRef = useRef<HTMLFormElement>(null);

  // Take the user to the first field the server complained about.
  useEffect(() => {
    if (!create.error) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [create.error]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  return (
    <div className="max-w-2xl">
      <PageHeader
        title="New project"
        kicker={
          <Link to={paths.projects()} className="hover:underline">
            Projects
          </Link>
        }
      >
        You become the project's admin. Storage holds session logs and artifacts.
      </PageHeader>
      <form
        ref={formRef}
        onSubmit={submit}
        noValidate
        className="space-y-6 rounded-xl border border-slate-200 bg-white p-5 shadow-xs sm:p-6"
      >
        {errors.form && <Notice tone="error">{errors.form}</Notice>}
        <TextField
          label="Name"
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.fields.name}
          hint="Lowercase letters, digits and hyphens; used in URLs and can't be changed."
          autoComplete="off"
          spellCheck={false}
          required
        />
        <TextField
          label="Display name"
          name="displayName"
          optional
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          error={errors.fields.displayName}
        />
        <StorageFields draft={storage} onChange={setStorage} errors={errors} disabled={create.isPending} />
        <div className="flex flex-wrap items-center justify-end gap-2 border-t border-slate-200 pt-4">
          <Link to={paths.projects()} className={buttonClass('ghost')}>
            Cancel
          </Link>
          <Button type="submit" variant="primary" busy={create.isPending}>
            {create.isPending
              ? storage.kind === 'external'
                ? 'Checking storage…'
                : 'Creating…'
              : 'Create project'}
          </Button>
        </div>
      </form>
    </div>
  );
}
