import type { ProjectsTable } from '../db/schema.ts';
import type { StorageSettings } from '../operations/project-storage.ts';
import type { Project, StorageView } from '../routes/projects/schema.ts';

/** The API view of a project: storage settings without any credential. */
export function presentProject(row: ProjectsTable): Project {
  return {
    name: row.name,
    displayName: row.display_name,
    storage: presentStorage(row),
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

export function presentStorage(row: ProjectsTable): StorageView {
  const s = JSON.parse(row.storage_settings) as StorageSettings;
  const view: StorageView = { kind: row.storage_kind, state: row.storage_state };
  if (row.storage_error) view.error = row.storage_error;
  if (s.kind === 'external') {
    Object.assign(view, {
      endpoint: s.endpoint,
      region: s.region,
      bucket: s.bucket,
      prefix: s.prefix,
      forcePathStyle: s.forcePathStyle,
    });
    if (row.storage_secret) view.credentials = 'stored';
  } else {
    view.prefix = s.prefix;
  }
  return view;
}
