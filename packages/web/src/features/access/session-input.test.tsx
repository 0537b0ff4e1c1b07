import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Access, Capability } from '../../api/projects.ts';
import { PromptBox } from '../stream/prompt-box.tsx';
import { permission } from './capabilities.ts';
import { sessionInputPermission } from './session-input.ts';

/** What GET /api/projects/{p}/access returns for a role (the server's capability table). */
function accessOf(role: Access['role']): Access {
  const grants: Record<Capability, Access['role']> = {
    'project.view': 'view',
    'session.start': 'edit',
    'session.cancel.own': 'edit',
    'session.input': 'edit',
    'specify.run': 'edit',
    'workspace.sync': 'edit',
    'session.cancel.any': 'admin',
    'workspace.manage': 'admin',
    'storage.manage': 'admin',
    'model.manage': 'admin',
    'members.manage': 'admin',
    'audit.read': 'admin',
  };
  const rank = { view: 1, edit: 2, admin: 3 };
  const capabilities = Object.entries(grants)
    .filter(([, needed]) => rank[role] >= rank[needed])
    .map(([c]) => c);
  return { role, capabilities, grants };
}

describe('who may send prompts to a session', () => {
  it("only the session's owner: anyone else is told whose session it is, even an admin", () => {
    expect(sessionInputPermission(accessOf('edit'), 'alice', 'alice')).toEqual({ allowed: true });
    for (const role of ['edit', 'admin'] as const) {
      expect(sessionInputPermission(accessOf(role), 'alice', 'bob')).toEqual({
        allowed: false,
        reason:
          'Only alice, who started this session, can send prompts: a prompt runs as them, with their credentials.',
      });
    }
  });

  it('a viewer is told the role it needs; unknown identities wait', () => {
    expect(sessionInputPermission(accessOf('view'), 'alice', 'alice')).toEqual({
      allowed: false,
      reason: 'Sending input to a session needs the edit role; you are view.',
    });
    expect(sessionInputPermission(undefined, 'alice', 'alice').reason).toBe('Checking your role…');
    expect(sessionInputPermission(accessOf('edit'), 'alice', undefined).reason).toBe('Checking who you are…');
  });

  it("the prompt box of someone else's session is disabled and says why", () => {
    const html = renderToStaticMarkup(
      <PromptBox
        project="acme"
        session="S1"
        permission={sessionInputPermission(accessOf('edit'), 'alice', 'bob')}
        active
      />,
    );
    expect(html).toMatch(/<textarea[^>]*disabled/);
    expect(html).toContain('Only alice, who started this session, can send prompts');
  });
});

describe('who may sync a workspace', () => {
  it('needs edit: a viewer is told so', () => {
    expect(permission(accessOf('view'), 'workspace.sync')).toEqual({
      allowed: false,
      reason: 'Syncing with the upstream needs the edit role; you are view.',
    });
    expect(permission(accessOf('edit'), 'workspace.sync')).toEqual({ allowed: true });
  });
});
