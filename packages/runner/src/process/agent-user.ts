import { readFileSync } from 'node:fs';
import { SettingsError } from '../errors.ts';
import { type Env, optionalString } from '../settings-parsers.ts';

/** The uid/gid every adapter process runs as (RFE_AGENT_UID / RFE_AGENT_GID), apart from the shell's. */
export interface AgentUser {
  uid: number;
  gid: number;
}

/** What the shell process is: its uid and the capabilities it holds (bit numbers of CapEff). */
export interface ShellIdentity {
  uid: number;
  capabilities: ReadonlySet<number>;
}

/** Linux capability numbers the shell needs to run adapters under another uid (see capabilities(7)). */
export const NEEDED_CAPABILITIES = { CHOWN: 0, KILL: 5, SETGID: 6, SETUID: 7 } as const;

const MAX_ID = 4_294_967_294; // (uid_t)-1 means "no change" to the kernel

/**
 * RFE_AGENT_UID (and RFE_AGENT_GID, default: the same number) when set: the shell must be able to switch
 * to it (root, or CAP_SETUID + CAP_SETGID, with CAP_CHOWN for the work tree and CAP_KILL for the agent's
 * processes), and it must be another uid than the shell's and not root.
 */
export function agentUserFrom(env: Env, shell: ShellIdentity = currentShell()): AgentUser | undefined {
  const uid = id(env, 'RFE_AGENT_UID');
  const gid = id(env, 'RFE_AGENT_GID');
  if (uid === undefined) {
    if (gid !== undefined) throw new SettingsError('RFE_AGENT_GID', 'is set without RFE_AGENT_UID');
    return undefined;
  }
  if (uid === 0) throw new SettingsError('RFE_AGENT_UID', 'must not be 0: the agent never runs as root');
  if (uid === shell.uid) {
    throw new SettingsError(
      'RFE_AGENT_UID',
      `is the runner's own uid (${uid}); give the agent a uid of its own, or unset RFE_AGENT_UID`,
    );
  }
  if (gid === 0) throw new SettingsError('RFE_AGENT_GID', 'must not be 0 (the root group)');
  const missing = Object.entries(NEEDED_CAPABILITIES)
    .filter(([, bit]) => !shell.capabilities.has(bit))
    .map(([name]) => `CAP_${name}`);
  if (missing.length > 0) {
    throw new SettingsError(
      'RFE_AGENT_UID',
      `the runner (uid ${shell.uid}) cannot run the agent as uid ${uid}: it lacks ${missing.join(', ')}. ` +
        'Start the runner as root (or grant those capabilities), or unset RFE_AGENT_UID.',
    );
  }
  return { uid, gid: gid ?? uid };
}

function id(env: Env, name: string): number | undefined {
  const raw = optionalString(env, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value > MAX_ID) {
    throw new SettingsError(name, `must be a numeric id (0…${MAX_ID}), got "${raw}"`);
  }
  return value;
}

/** This process's uid and effective capabilities (CapEff of /proc/self/status). */
export function currentShell(): ShellIdentity {
  const uid = process.getuid?.() ?? -1;
  let capabilities = new Set<number>();
  try {
    const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (hex) capabilities = capabilitiesIn(BigInt(`0x${hex}`));
  } catch {
    // no /proc: no capabilities we can rely on
  }
  return { uid, capabilities };
}

function capabilitiesIn(mask: bigint): Set<number> {
  const set = new Set<number>();
  for (let bit = 0; bit < 64; bit++) if ((mask >> BigInt(bit)) & 1n) set.add(bit);
  return set;
}
