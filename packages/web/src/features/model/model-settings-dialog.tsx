import { type FormEvent, useState } from 'react';
import type { ModelSettings } from '../../api/model.ts';
import { Button } from '../../components/button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { Checkbox, TextField } from '../../components/field.tsx';
import { Notice } from '../../components/notice.tsx';
import { formErrors } from '../projects/form-errors.ts';
import { useSaveModelSettings } from './use-model.ts';

/** A limit as the field shows it: empty for none (null, or not set at all). */
const text = (n: number | null | undefined) => (n == null ? '' : String(n));
const numberOrNull = (s: string): number | null => (s.trim() === '' ? null : Number(s));

/** Edits a project's model provider, key, default model and limits; the key field is write-only. */
export function ModelSettingsDialog({
  project,
  current,
  open,
  onClose,
  onSaved,
}: {
  project: string;
  current: ModelSettings;
  open: boolean;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [endpoint, setEndpoint] = useState(current.endpointSource === 'project' ? current.endpoint : '');
  const [apiKey, setApiKey] = useState('');
  const [removeKey, setRemoveKey] = useState(false);
  const [model, setModel] = useState(current.defaultModel ?? '');
  const [sessionUsd, setSessionUsd] = useState(text(current.limits.sessionBudgetUsd));
  const [sessionTokens, setSessionTokens] = useState(text(current.limits.sessionBudgetTokens));
  const [maxTurns, setMaxTurns] = useState(text(current.limits.maxTurns));
  const [monthlyUsd, setMonthlyUsd] = useState(text(current.limits.monthlyBudgetUsd));
  const save = useSaveModelSettings(project);
  const errors = formErrors(save.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(
      {
        endpoint: endpoint.trim() || null,
        ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}),
        ...(removeKey && !apiKey.trim() ? { removeApiKey: true } : {}),
        defaultModel: model.trim() || null,
        limits: {
          sessionBudgetUsd: numberOrNull(sessionUsd),
          sessionBudgetTokens: numberOrNull(sessionTokens),
          maxTurns: numberOrNull(maxTurns),
          monthlyBudgetUsd: numberOrNull(monthlyUsd),
        },
      },
      {
        onSuccess: () => {
          setApiKey('');
          onSaved();
        },
      },
    );
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Model settings"
      description="Sessions reach the model only through the platform, which adds this key and meters every request."
      wide
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        {errors.form && <Notice tone="error">{errors.form}</Notice>}
        <TextField
          label="Provider endpoint"
          optional
          placeholder={current.endpointSource === 'project' ? 'https://api.anthropic.com' : current.endpoint}
          hint="An Anthropic-compatible Messages API (https). Empty: the platform default."
          value={endpoint}
          onChange={(e) => setEndpoint(e.target.value)}
          error={errors.fields.endpoint}
        />
        <TextField
          label={current.apiKey === 'set' ? 'New API key (rotates the stored one)' : 'API key'}
          optional
          type="password"
          autoComplete="off"
          placeholder={current.apiKey === 'set' ? 'stored — leave empty to keep it' : 'sk-ant-…'}
          hint="Stored encrypted; never shown again, never given to runners."
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          error={errors.fields.apiKey}
        />
        {current.apiKey === 'set' && (
          <Checkbox
            label="Remove the stored key"
            hint="Sessions then use the platform's key, if there is one."
            checked={removeKey}
            onChange={(e) => setRemoveKey(e.target.checked)}
          />
        )}
        <TextField
          label="Default model"
          optional
          placeholder="claude-sonnet-4-5"
          value={model}
          onChange={(e) => setModel(e.target.value)}
          error={errors.fields.defaultModel}
        />
        <fieldset className="grid gap-4 sm:grid-cols-2">
          <legend className="mb-2 text-sm font-medium text-slate-800">Limits (empty = none)</legend>
          <TextField
            label="Budget per session (USD)"
            inputMode="decimal"
            value={sessionUsd}
            onChange={(e) => setSessionUsd(e.target.value)}
            error={errors.fields['limits.sessionBudgetUsd']}
          />
          <TextField
            label="Tokens per session"
            inputMode="numeric"
            value={sessionTokens}
            onChange={(e) => setSessionTokens(e.target.value)}
            error={errors.fields['limits.sessionBudgetTokens']}
          />
          <TextField
            label="Max turns per session"
            inputMode="numeric"
            value={maxTurns}
            onChange={(e) => setMaxTurns(e.target.value)}
            error={errors.fields['limits.maxTurns']}
          />
          <TextField
            label="Monthly project budget (USD)"
            inputMode="decimal"
            value={monthlyUsd}
            onChange={(e) => setMonthlyUsd(e.target.value)}
            error={errors.fields['limits.monthlyBudgetUsd']}
          />
        </fieldset>
        <div className="flex justify-end gap-2 border-t border-slate-200 pt-4">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={save.isPending}>
            Save model settings
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
