import { describe, expect, it } from 'vitest';
import { GitError } from './git.ts';
import { pushFailure } from './push-errors.ts';

const fork = { repo: 'acme/api', target: 'alice/api', branch: 'rfe/x/session-1', direct: false };
const refused = (stderr: string) => new GitError(['push'], { code: 1, stdout: '', stderr });

describe('push failures', () => {
  it('a denied push to a fork points at the App installation on the fork owner’s account', () => {
    const error = pushFailure(
      refused(
        'remote: Permission to alice/api.git denied.\nfatal: unable to access: The requested URL returned error: 403',
      ),
      fork,
    );
    expect(error.code).toBe('push_denied');
    expect(error.message).toContain('the fork alice/api rejected the push');
    expect(error.message).toContain("GitHub App is installed on alice's account with contents:write");
  });

  it('a non-fast-forward names the branch and what to do', () => {
    const error = pushFailure(
      refused(
        ' ! [rejected]        HEAD -> rfe/x/session-1 (non-fast-forward)\nerror: failed to push some refs',
      ),
      fork,
    );
    expect(error.code).toBe('push_rejected');
    expect(error.message).toContain('delete it on the fork and retry');
  });

  it('a direct push behind its base says the base moved', () => {
    const error = pushFailure(refused(' ! [rejected] HEAD -> main (fetch first)'), {
      ...fork,
      target: 'acme/api',
      branch: 'main',
      direct: true,
    });
    expect(error.message).toContain('main moved on upstream');
  });

  it('a branch that cannot exist below another explains the ref clash', () => {
    const stderr =
      "remote: error: cannot lock ref 'refs/heads/rfe/x/session-1': 'refs/heads/rfe/x' exists; cannot create 'refs/heads/rfe/x/session-1'";
    const error = pushFailure(refused(stderr), fork);
    expect(error.code).toBe('push_rejected');
    expect(error.message).toContain('the branch rfe/x exists there');
  });

  it('a workflow change without the workflows permission says which permission is missing', () => {
    const stderr =
      '! [remote rejected] HEAD -> b (refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission)';
    expect(pushFailure(refused(stderr), fork).message).toContain('"workflows" permission');
  });

  it('a missing fork says to create it', () => {
    const error = pushFailure(
      refused("remote: Repository not found.\nfatal: repository 'http://h/alice/api.git/' not found"),
      fork,
    );
    expect(error.code).toBe('push_target_missing');
  });
});
