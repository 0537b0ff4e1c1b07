import { describe, expect, it } from 'vitest';
import { relativeToWorkspace } from './workspace-paths.ts';

describe('text that leaves the runner', () => {
  it('shows work directories relative to the workspace, never the server path', () => {
    const root = '/var/lib/rfe/runs/01ABC/work/workspace';
    const stderr = `fatal: clone of 'http://forge/acme/web.git' into submodule path '${root}/repos/web' failed\nfatal: could not get a repository handle for ${root}/.git/modules/repos/web in ${root}`;
    const shown = relativeToWorkspace(stderr, root);
    expect(shown).toBe(
      "fatal: clone of 'http://forge/acme/web.git' into submodule path 'repos/web' failed\nfatal: could not get a repository handle for .git/modules/repos/web in .",
    );
    expect(shown).not.toContain('/var/lib');
    expect(relativeToWorkspace(`cannot write ${root.replace('/workspace', '')}/outbox`, root)).toBe(
      'cannot write outbox',
    );
  });
});
