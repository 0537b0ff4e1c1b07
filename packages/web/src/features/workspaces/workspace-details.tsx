import type { Workspace } from '../../api/workspaces.ts';
import { Badge } from '../../components/badge.tsx';
import { Panel } from '../../components/page.tsx';
import { Time } from '../../components/time.tsx';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';

export function WorkspaceDetails({ project, workspace: w }: { project: string; workspace: Workspace }) {
  return (
    <div className="space-y-6">
      <Panel id="ws-details" title="Details">
        <dl className="space-y-2 text-sm">
          <Row label="Upstream">
            <span className="font-mono">
              {w.upstream.host}/{w.upstream.owner}/{w.upstream.repo}
            </span>
          </Row>
          <Row label="Canonical branch">
            <span className="font-mono">{w.canonicalBranch}</span>
          </Row>
          {w.feature && (
            <Row label="Specify feature">
              <Link
                to={paths.browse(project, w.slug, { path: `specs/${w.feature}` })}
                className="font-mono text-indigo-700 hover:underline"
              >
                specs/{w.feature}
              </Link>
            </Row>
          )}
          <Row label="Created">
            {w.createdBy}, <Time iso={w.createdAt} />
          </Row>
        </dl>
      </Panel>
      <Panel id="ws-components" title="Components" description="Submodules under repos/, pinned to a commit.">
        {w.submodules.length === 0 ? (
          <p className="text-sm text-slate-600">No component repositories.</p>
        ) : (
          <ul className="space-y-2">
            {w.submodules.map((s) => (
              <li key={s.path} className="text-sm">
                <div className="flex flex-wrap items-center gap-2">
                  <Link
                    to={paths.browse(project, w.slug, { path: s.path })}
                    className="font-mono font-medium text-indigo-700 hover:underline"
                  >
                    {s.path}
                  </Link>
                  <Badge tone={s.required ? 'indigo' : 'gray'}>{s.required ? 'required' : 'optional'}</Badge>
                </div>
                <p className="truncate font-mono text-xs text-slate-600" title={s.url}>
                  {s.url} {s.lastResolvedSha && `@ ${s.lastResolvedSha.slice(0, 7)}`}
                </p>
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </div>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd className="text-slate-900">{children}</dd>
    </div>
  );
}
