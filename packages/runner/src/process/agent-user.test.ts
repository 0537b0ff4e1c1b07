import { describe, expect, it } from 'vitest';
import { agentUserFrom, NEEDED_CAPABILITIES } from './agent-user.ts';

const root = { uid: 0, capabilities: new Set(Array.from({ length: 41 }, (_, i) => i)) };
const all = new Set(Object.values(NEEDED_CAPABILITIES));

describe('RFE_AGENT_UID / RFE_AGENT_GID', () => {
  it('is off when unset, and the gid defaults to the uid', () => {
    expect(agentUserFrom({}, root)).toBeUndefined();
    expect(agentUserFrom({ RFE_AGENT_UID: '1001' }, root)).toEqual({ uid: 1001, gid: 1001 });
    expect(agentUserFrom({ RFE_AGENT_UID: '1001', RFE_AGENT_GID: '2002' }, root)).toEqual({
      uid: 1001,
      gid: 2002,
    });
  });

  it('works for a non-root runner that holds the capabilities it needs', () => {
    expect(agentUserFrom({ RFE_AGENT_UID: '1001' }, { uid: 1000, capabilities: all })).toEqual({
      uid: 1001,
      gid: 1001,
    });
  });

  it('refuses a runner that cannot switch users, naming what it lacks and the way out', () => {
    const plain = { uid: 1000, capabilities: new Set<number>() };
    expect(() => agentUserFrom({ RFE_AGENT_UID: '1001' }, plain)).toThrow(
      'RFE_AGENT_UID: the runner (uid 1000) cannot run the agent as uid 1001: it lacks CAP_CHOWN, CAP_KILL, CAP_SETGID, CAP_SETUID. Start the runner as root (or grant those capabilities), or unset RFE_AGENT_UID.',
    );
    const noKill = { uid: 0, capabilities: new Set([0, 6, 7]) };
    expect(() => agentUserFrom({ RFE_AGENT_UID: '1001' }, noKill)).toThrow('it lacks CAP_KILL.');
  });

  it('refuses root, the runner’s own uid, the root group and what is not a numeric id', () => {
    expect(() => agentUserFrom({ RFE_AGENT_UID: '0' }, root)).toThrow('RFE_AGENT_UID: must not be 0');
    expect(() => agentUserFrom({ RFE_AGENT_UID: '1000' }, { uid: 1000, capabilities: all })).toThrow(
      "is the runner's own uid (1000)",
    );
    expect(() => agentUserFrom({ RFE_AGENT_UID: '1001', RFE_AGENT_GID: '0' }, root)).toThrow(
      'RFE_AGENT_GID: must not be 0',
    );
    for (const bad of ['agent', '-5', '1.5', '1e3', '4294967295'])
      expect(() => agentUserFrom({ RFE_AGENT_UID: bad }, root)).toThrow(`must be a numeric id`);
    expect(() => agentUserFrom({ RFE_AGENT_GID: '1001' }, root)).toThrow(
      'RFE_AGENT_GID: is set without RFE_AGENT_UID',
    );
  });
});
