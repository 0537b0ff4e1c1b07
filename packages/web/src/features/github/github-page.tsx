import { useState } from 'react';
import { TextField } from '../../components/field.tsx';
import { PageHeader, Panel } from '../../components/page.tsx';
import { ForkSelector } from './fork-selector.tsx';
import { GitHubStatusPanel } from './github-status-panel.tsx';

export function GitHubPage() {
  const [upstream, setUpstream] = useState('');
  const [fork, setFork] = useState<string>();
  const repo = upstream.trim();
  const valid = /^[^/\s]+\/[^/\s]+$/.test(repo);
  return (
    <div className="max-w-3xl space-y-6">
      <PageHeader title="GitHub">
        Your GitHub connection and forks, used by every project you work in.
      </PageHeader>
      <GitHubStatusPanel />
      <Panel
        id="forks"
        title="Forks"
        description="Sessions push their branches to your fork of each repository they change."
      >
        <div className="space-y-4">
          <TextField
            label="Upstream repository"
            placeholder="acme/umbrella"
            hint="owner/name"
            value={upstream}
            onChange={(e) => {
              setUpstream(e.target.value);
              setFork(undefined);
            }}
            spellCheck={false}
            autoComplete="off"
          />
          {valid && <ForkSelector upstream={repo} value={fork} onChange={setFork} />}
        </div>
      </Panel>
    </div>
  );
}
