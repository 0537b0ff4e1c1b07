import { type FormEvent, useId, useState } from 'react';
import type { Role } from '../../api/projects.ts';
import { Button, DisabledReason } from '../../components/button.tsx';
import { SelectField, TextField } from '../../components/field.tsx';
import { errorMessage } from '../../components/states.tsx';
import type { Permission } from '../access/capabilities.ts';
import { usePutMember } from './use-members.ts';

export const roles: Role[] = ['view', 'edit', 'admin'];

export function AddMemberForm({
  project,
  permission,
  onDone,
}: {
  project: string;
  permission: Permission;
  onDone: (text: string) => void;
}) {
  const [kind, setKind] = useState<'user' | 'group'>('user');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('view');
  const put = usePutMember(project);
  const [error, setError] = useState<string>();
  const reasonId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const subject = name.trim();
    if (!subject) {
      setError(`Enter the ${kind === 'user' ? "user's sign-in name" : 'group name'}.`);
      return;
    }
    setError(undefined);
    put.mutate(
      { subject: `${kind}:${subject}`, role },
      {
        onSuccess: () => {
          setName('');
          onDone(`Added ${kind} ${subject} as ${role}.`);
        },
        onError: (err) => setError(errorMessage(err)),
      },
    );
  };

  const disabled = !permission.allowed;
  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label="Add a member"
      className="rounded-lg border border-slate-200 bg-slate-50/60 p-4"
    >
      <fieldset
        disabled={disabled || put.isPending}
        className="grid items-start gap-3 sm:grid-cols-[8rem_1fr_8rem_auto]"
      >
        <legend className="mb-2 text-sm font-medium text-slate-800">Add a member</legend>
        <SelectField label="Kind" value={kind} onChange={(e) => setKind(e.target.value as 'user' | 'group')}>
          <option value="user">User</option>
          <option value="group">Group</option>
        </SelectField>
        <TextField
          label={kind === 'user' ? 'User' : 'Group'}
          placeholder={kind === 'user' ? 'e.g. bob' : 'e.g. acme-readers'}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={error}
          autoComplete="off"
          spellCheck={false}
        />
        <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </SelectField>
        <div className="sm:pt-6">
          <Button
            type="submit"
            variant="primary"
            busy={put.isPending}
            aria-describedby={disabled ? reasonId : undefined}
          >
            Add member
          </Button>
        </div>
      </fieldset>
      {disabled && permission.reason && (
        <p className="mt-3">
          <DisabledReason id={reasonId}>{permission.reason}</DisabledReason>
        </p>
      )}
    </form>
  );
}
