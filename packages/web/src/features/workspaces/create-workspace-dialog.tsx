import { type FormEvent, useState } from 'react';
import { Button } from '../../components/button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { TextField } from '../../components/field.tsx';
import { Notice } from '../../components/notice.tsx';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { validate } from '../forms/validate.ts';
import { useGitHubStatus } from '../github/use-github.ts';
import { formErrors } from '../projects/form-errors.ts';
import { type ComponentDraft, ComponentRows, newComponentUid } from './component-rows.tsx';
import { GitmoduleSuggestionList, type Suggestion } from './gitmodule-suggestions.tsx';
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
  const [checked, setChecked] = useState<Record<string, string>>({});
  const create = useCreateWorkspace(project);
  const github = useGitHubStatus();
  const server = formErrors(create.error, { name: 'Name', upstream: 'Upstream umbrella repository' });
  const errors = { ...server, fields: { ...server.fields, ...checked } };
  const host = github.data?.linked ? github.data.host : undefined;

  const isChosen = (s: Suggestion) => components.some((c) => c.url === s.repo && c.name === s.name);
  const toggle = (s: Suggestion, chosen: boolean) =>
    setComponents(
      chosen
        ? [
            ...components,
            {
              uid: newComponentUid(),
              name: s.name,
              url: s.repo!,
              required: true,
              branch: s.branch ?? undefined,
            },
          ]
        : components.filter((c) => !(c.url === s.repo && c.name === s.name)),
    );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const values: Record<string, string> = { name, upstream };
    const rules: Parameters<typeof validate>[1] = {
      name: { label: 'Name', required: true, maxLength: 100 },
      upstream: {
        label: 'Upstream umbrella repository',
        required: true,
        pattern: {
          test: /^([A-Za-z0-9-]+\/[A-Za-z0-9_.-]+|https?:\/\/\S+)$/,
          says: 'write it as owner/name (for example acme/umbrella) or as a URL on the Git host.',
        },
      },
    };
    components.forEach((c, i) => {
      values[`components.${i}.name`] = c.name;
      values[`components.${i}.url`] = c.url;
      rules[`components.${i}.name`] = {
        label: 'Component name',
        required: true,
        pattern: {
          test: /^[a-z0-9][a-z0-9._-]{0,62}$/,
          says: 'use lowercase letters, digits, dots, dashes and underscores, starting with a letter or digit.',
        },
      };
      rules[`components.${i}.url`] = { label: 'Repository', required: true };
    });
    const found = validate(values, rules);
    setChecked(found);
    if (Object.keys(found).length) return;
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
      {github.data && !github.data.linked ? (
        <div className="space-y-4">
          <Notice tone="warning" title="Connect GitHub first">
            A workspace reads its umbrella repository and creates the rfe/&#123;slug&#125; branch as you, so
            it needs your GitHub account.{' '}
            <Link to={paths.github()} className="font-medium underline">
              Connect GitHub
            </Link>
            , then come back here.
          </Notice>
          <div className="flex justify-end border-t border-slate-200 pt-4">
            <Button variant="ghost" onClick={onClose}>
              Close
            </Button>
          </div>
        </div>
      ) : (
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
            hint={`owner/name on ${host ?? 'the configured Git host'}; can't be changed later.`}
            spellCheck={false}
            required
          />
          <GitmoduleSuggestionList
            project={project}
            upstream={upstream}
            isChosen={isChosen}
            onToggle={toggle}
          />
          <ComponentRows
            components={components}
            onChange={setComponents}
            errors={errors.fields}
            host={host}
          />
          <div className="flex justify-end gap-2 border-t border-slate-200 pt-4">
            <Button variant="ghost" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" busy={create.isPending}>
              Create workspace
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
