import { type FormEvent, useState } from 'react';
import type { Adapter } from '../../api/sessions.ts';
import type { Workspace } from '../../api/workspaces.ts';
import { Button } from '../../components/button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { Checkbox, SelectField, TextArea, TextField } from '../../components/field.tsx';
import { Notice } from '../../components/notice.tsx';
import { navigate } from '../../router/history.ts';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { ForkSelector } from '../github/fork-selector.tsx';
import { useGitHubStatus } from '../github/use-github.ts';
import { ModelRequirement, usePreferClaudeWithModel } from '../model/model-requirement.tsx';
import { formErrors } from '../projects/form-errors.ts';
import { adapterGuides, adapterOrder } from './adapters.ts';
import { useStartSession } from './use-sessions.ts';

export function StartSessionDialog({
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
  const upstream = `${workspace.upstream.owner}/${workspace.upstream.repo}`;
  const github = useGitHubStatus();
  const [fork, setFork] = useState<string>();
  const [inputBranch, setInputBranch] = useState('');
  const [outputBranch, setOutputBranch] = useState('');
  const [adapter, setAdapter] = useState<Adapter>(adapterOrder[0]!);
  const preference = usePreferClaudeWithModel(project, setAdapter);
  const [prompt, setPrompt] = useState('');
  const [title, setTitle] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const [directPush, setDirectPush] = useState(false);
  const start = useStartSession(project, workspace.slug);
  const errors = formErrors(start.error);
  const notLinked = github.data && !github.data.linked;
  const guide = adapterGuides[adapter];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!prompt.trim()) found.prompt = 'Prompt is required.';
    setMissing(found);
    if (Object.keys(found).length) return;
    start.mutate(
      {
        ...(fork ? { fork } : { createFork: true }),
        inputBranch: inputBranch.trim() || undefined,
        outputBranch: outputBranch.trim() || undefined,
        adapter,
        prompt: prompt.trim(),
        title: title.trim() || undefined,
        directPush: directPush || undefined,
      },
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
      title="Start a session"
      description={`An agent works on ${upstream} and opens one pull request per changed repository.`}
      wide
    >
      {notLinked ? (
        <div className="space-y-4">
          <Notice tone="warning" title="Connect GitHub first">
            Sessions read the upstream and push to your forks as you, so they need your GitHub account.{' '}
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
          <ForkSelector upstream={upstream} value={fork} onChange={setFork} />
          {!fork && (
            <p className="text-xs text-slate-600">
              No fork chosen: one is created for you when the session pushes.
            </p>
          )}
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label="Input branch"
              optional
              placeholder={workspace.canonicalBranch}
              value={inputBranch}
              onChange={(e) => setInputBranch(e.target.value)}
              error={errors.fields.inputBranch}
            />
            <TextField
              label="Output branch"
              optional
              placeholder={`${workspace.canonicalBranch}/session-…`}
              value={outputBranch}
              onChange={(e) => setOutputBranch(e.target.value)}
              error={errors.fields.outputBranch}
            />
          </div>
          <SelectField
            label="Adapter"
            value={adapter}
            onChange={(e) => {
              preference.chosen();
              setAdapter(e.target.value as Adapter);
            }}
            error={errors.fields.adapter}
            hint={guide.description}
          >
            {adapterOrder.map((a) => (
              <option key={a} value={a}>
                {adapterGuides[a].label}
              </option>
            ))}
          </SelectField>
          {adapter === 'claude' && <ModelRequirement project={project} />}
          <div className="space-y-1 rounded-md bg-slate-50 p-3 ring-1 ring-slate-200">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <span className="text-xs font-medium text-slate-700">Example prompt for {adapter}</span>
              <Button size="sm" onClick={() => setPrompt(guide.example)}>
                Use this example
              </Button>
            </div>
            <pre className="font-mono text-xs break-words whitespace-pre-wrap text-slate-800">
              {guide.example}
            </pre>
          </div>
          <TextArea
            label="Prompt"
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
            error={missing.prompt ?? errors.fields.prompt}
            placeholder={guide.placeholder}
            required
          />
          <TextField
            label="Title"
            optional
            hint="Names the session in lists and its pull requests; the prompt's first line when left empty."
            placeholder={
              prompt
                .split('\n')
                .find((l) => l.trim())
                ?.trim() ?? ''
            }
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            error={errors.fields.title}
            maxLength={200}
          />
          <Checkbox
            label="Push directly instead of opening pull requests"
            hint="Only works for repositories you can write to upstream; pull requests are the default."
            checked={directPush}
            onChange={(e) => setDirectPush(e.target.checked)}
          />
          <div className="flex justify-end gap-2 border-t border-slate-200 pt-4">
            <Button variant="ghost" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" busy={start.isPending}>
              Start session
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
