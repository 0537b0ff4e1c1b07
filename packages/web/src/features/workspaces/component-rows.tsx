import type { ComponentInput } from '../../api/workspaces.ts';

/** A component row being edited; `uid` keeps rows apart while their fields change. */
export type ComponentDraft = ComponentInput & { uid: number };
let nextUid = 1;
export const newComponentUid = () => nextUid++;

import { Button } from '../../components/button.tsx';
import { Checkbox, TextField } from '../../components/field.tsx';

/** Component repositories to add as submodules under repos/. */
export function ComponentRows({
  components,
  onChange,
  errors,
  host,
}: {
  components: ComponentDraft[];
  onChange: (components: ComponentDraft[]) => void;
  errors: Record<string, string>;
  /** host[:port] of the configured Git host, for the placeholder. */
  host?: string;
}) {
  const update = (i: number, patch: Partial<ComponentInput>) =>
    onChange(components.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-800">Components</legend>
      <p className="text-xs text-slate-600">Each becomes a submodule at repos/&#123;name&#125;.</p>
      {components.map((c, i) => (
        <div
          key={c.uid}
          className="grid items-start gap-3 rounded-lg border border-slate-200 p-3 sm:grid-cols-[8rem_1fr_7rem]"
        >
          <TextField
            label="Name"
            placeholder="api"
            value={c.name}
            onChange={(e) => update(i, { name: e.target.value })}
            error={errors[`components.${i}.name`]}
          />
          <TextField
            label="Repository"
            placeholder={host ? `acme/api or ${host}/acme/api` : 'acme/api'}
            value={c.url}
            onChange={(e) => update(i, { url: e.target.value })}
            error={errors[`components.${i}.url`]}
          />
          <TextField
            label="Branch"
            optional
            value={c.branch ?? ''}
            onChange={(e) => update(i, { branch: e.target.value })}
          />
          <div className="flex items-center justify-between gap-3 sm:col-span-3">
            <Checkbox
              label="Required"
              hint="Sessions fail fast when it is inaccessible."
              checked={c.required}
              onChange={(e) => update(i, { required: e.target.checked })}
            />
            <Button
              size="sm"
              variant="ghost"
              onClick={() => onChange(components.filter((_, j) => j !== i))}
              aria-label={`Remove component ${c.name || i + 1}`}
            >
              Remove
            </Button>
          </div>
        </div>
      ))}
      <Button
        size="sm"
        onClick={() => onChange([...components, { uid: nextUid++, name: '', url: '', required: true }])}
      >
        Add component
      </Button>
    </fieldset>
  );
}
