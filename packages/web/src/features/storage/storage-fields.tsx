import { useId } from 'react';
import type { StorageInput } from '../../api/projects.ts';
import { Checkbox, TextField } from '../../components/field.tsx';
import { Notice } from '../../components/notice.tsx';
import type { FormErrors } from '../projects/form-errors.ts';

export interface StorageDraft {
  kind: 'managed' | 'external';
  endpoint: string;
  region: string;
  bucket: string;
  prefix: string;
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
}

export const emptyStorageDraft: StorageDraft = {
  kind: 'managed',
  endpoint: '',
  region: '',
  bucket: '',
  prefix: '',
  forcePathStyle: true,
  accessKeyId: '',
  secretAccessKey: '',
};

/** The request body for a draft; empty optional fields are left out rather than sent as "". */
export function storageInput(d: StorageDraft): StorageInput {
  if (d.kind === 'managed') return { kind: 'managed' };
  const optional = (v: string) => (v.trim() ? v.trim() : undefined);
  return {
    kind: 'external',
    endpoint: optional(d.endpoint),
    region: optional(d.region),
    bucket: d.bucket.trim(),
    prefix: optional(d.prefix),
    forcePathStyle: d.forcePathStyle,
    accessKeyId: d.accessKeyId.trim(),
    secretAccessKey: d.secretAccessKey,
  };
}

/** Managed or external S3, with the S3 settings and the storage check's outcome right here. */
export function StorageFields({
  draft,
  onChange,
  errors,
  disabled,
}: {
  draft: StorageDraft;
  onChange: (draft: StorageDraft) => void;
  errors: FormErrors;
  disabled?: boolean;
}) {
  const name = useId();
  const set = <K extends keyof StorageDraft>(key: K, value: StorageDraft[K]) =>
    onChange({ ...draft, [key]: value });
  const e = (field: string) => errors.fields[`storage.${field}`];
  return (
    <fieldset className="space-y-4" disabled={disabled}>
      <legend className="text-sm font-medium text-slate-800">Storage</legend>
      <div className="grid gap-3 sm:grid-cols-2">
        <StorageChoice
          name={name}
          value="managed"
          checked={draft.kind === 'managed'}
          onSelect={() => set('kind', 'managed')}
          title="Managed"
          text="The platform keeps this project's data in its own store. Nothing to configure."
        />
        <StorageChoice
          name={name}
          value="external"
          checked={draft.kind === 'external'}
          onSelect={() => set('kind', 'external')}
          title="External S3"
          text="Your own bucket on AWS S3, MinIO or any S3-compatible store."
        />
      </div>
      {errors.storage && (
        <Notice tone="error" title="The storage check failed">
          <p>{errors.storage.message}</p>
          {errors.storage.step && (
            <p className="mt-1">
              <span className="font-medium">Step:</span> {errors.storage.step}
            </p>
          )}
          {errors.storage.hint && (
            <p className="mt-1">
              <span className="font-medium">What to check:</span> {errors.storage.hint}
            </p>
          )}
        </Notice>
      )}
      {draft.kind === 'external' && (
        <div className="grid gap-4 rounded-lg border border-slate-200 bg-slate-50/60 p-4 sm:grid-cols-2">
          <TextField
            label="Bucket"
            value={draft.bucket}
            onChange={(ev) => set('bucket', ev.target.value)}
            error={e('bucket')}
            autoComplete="off"
            required
          />
          <TextField
            label="Region"
            optional
            placeholder="us-east-1"
            value={draft.region}
            onChange={(ev) => set('region', ev.target.value)}
            error={e('region')}
          />
          <TextField
            label="Endpoint"
            optional
            placeholder="https://s3.example.com"
            hint="Leave empty for AWS S3."
            value={draft.endpoint}
            onChange={(ev) => set('endpoint', ev.target.value)}
            error={e('endpoint')}
          />
          <TextField
            label="Key prefix"
            optional
            placeholder="rfe/"
            value={draft.prefix}
            onChange={(ev) => set('prefix', ev.target.value)}
            error={e('prefix')}
          />
          <TextField
            label="Access key ID"
            value={draft.accessKeyId}
            onChange={(ev) => set('accessKeyId', ev.target.value)}
            error={e('accessKeyId')}
            autoComplete="off"
            required
          />
          <TextField
            label="Secret access key"
            type="password"
            hint="Stored encrypted; never shown again."
            value={draft.secretAccessKey}
            onChange={(ev) => set('secretAccessKey', ev.target.value)}
            error={e('secretAccessKey')}
            autoComplete="new-password"
            required
          />
          <div className="sm:col-span-2">
            <Checkbox
              label="Path-style URLs"
              hint="Needed by MinIO and most self-hosted stores."
              checked={draft.forcePathStyle}
              onChange={(ev) => set('forcePathStyle', ev.target.checked)}
            />
          </div>
        </div>
      )}
    </fieldset>
  );
}

function StorageChoice({
  name,
  value,
  checked,
  onSelect,
  title,
  text,
}: {
  name: string;
  value: string;
  checked: boolean;
  onSelect: () => void;
  title: string;
  text: string;
}) {
  const id = `${name}-${value}`;
  return (
    <label
      htmlFor={id}
      className={`flex cursor-pointer gap-3 rounded-lg border p-3 has-focus-visible:outline-2 has-focus-visible:outline-indigo-600 ${
        checked
          ? 'border-indigo-500 bg-indigo-50/50 ring-1 ring-indigo-500'
          : 'border-slate-300 bg-white hover:border-slate-400'
      }`}
    >
      <input
        id={id}
        type="radio"
        name={name}
        value={value}
        checked={checked}
        onChange={onSelect}
        className="mt-0.5 accent-indigo-600"
      />
      <span>
        <span className="block text-sm font-medium text-slate-900">{title}</span>
        <span className="block text-xs text-slate-600">{text}</span>
      </span>
    </label>
  );
}
