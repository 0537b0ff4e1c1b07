import { useState } from 'react';
import { formatUsd } from '../../api/model.ts';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Notice } from '../../components/notice.tsx';
import { Panel } from '../../components/page.tsx';
import { errorMessage, Loading } from '../../components/states.tsx';
import { usePermission } from '../access/use-access.ts';
import { ModelSettingsDialog } from './model-settings-dialog.tsx';
import { useModelSettings } from './use-model.ts';

const sourceLabel = { project: 'this project', platform: 'platform default', default: 'built-in default' };

/** Project settings → Model: provider, whether a key is stored, default model, limits. */
export function ModelPanel({ project }: { project: string }) {
  const can = usePermission(project, 'model.manage');
  const settings = useModelSettings(project);
  const [open, setOpen] = useState(false);
  const [saved, setSaved] = useState(false);
  const m = settings.data;
  const limit = (v: number | null | undefined, f: (n: number) => string = String) =>
    v == null ? 'no limit' : f(v);
  return (
    <Panel
      id="model"
      title="Model"
      description="The model provider sessions use, its key, and the limits that stop spending."
      actions={
        <Button
          onClick={() => setOpen(true)}
          disabled={!m}
          disabledReason={can.allowed ? undefined : can.reason}
        >
          Edit model settings
        </Button>
      }
    >
      <div aria-live="polite">
        {saved && (
          <Notice tone="success" className="mb-4" onDismiss={() => setSaved(false)}>
            Model settings saved. New sessions use them.
          </Notice>
        )}
      </div>
      {settings.isPending && <Loading />}
      {settings.error && <Notice tone="error">{errorMessage(settings.error)}</Notice>}
      {m && (
        <>
          <div className="mb-3">
            {m.configured ? (
              <Badge tone="green">model configured</Badge>
            ) : (
              <Badge tone="amber">no model configured</Badge>
            )}
          </div>
          {m.missing && (
            <Notice tone="warning" className="mb-3">
              {m.missing}
            </Notice>
          )}
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[12rem_1fr]">
            {(
              [
                ['Endpoint', `${m.endpoint} (${sourceLabel[m.endpointSource]})`],
                [
                  'API key',
                  m.keySource === 'project'
                    ? 'stored encrypted for this project'
                    : m.keySource === 'platform'
                      ? 'platform key'
                      : 'none',
                ],
                ['Default model', m.defaultModel ?? "the agent's default"],
                ['Budget per session', limit(m.limits.sessionBudgetUsd, formatUsd)],
                ['Tokens per session', limit(m.limits.sessionBudgetTokens, (n) => n.toLocaleString())],
                ['Max turns', limit(m.limits.maxTurns)],
                ['Monthly budget', limit(m.limits.monthlyBudgetUsd, formatUsd)],
              ] as const
            ).map(([label, value]) => (
              <div key={label} className="contents">
                <dt className="text-slate-600">{label}</dt>
                <dd className="font-mono break-all text-slate-900">{value}</dd>
              </div>
            ))}
          </dl>
          {open && (
            <ModelSettingsDialog
              project={project}
              current={m}
              open={open}
              onClose={() => setOpen(false)}
              onSaved={() => {
                setOpen(false);
                setSaved(true);
              }}
            />
          )}
        </>
      )}
    </Panel>
  );
}
