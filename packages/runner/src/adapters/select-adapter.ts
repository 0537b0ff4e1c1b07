import type { AdapterName } from '../settings.ts';
import type { Adapter } from './adapter.ts';
import { LocalExecAdapter } from './localexec/localexec-adapter.ts';

/**
 * The adapter a session asked for. The Claude and Specify adapters (Specify drives Claude) are loaded only
 * for their sessions: the Agent SDK takes about as long to load as the rest of the runner, and a localexec
 * session would pay for it before its first message (the built runner keeps them in a chunk of their own,
 * scripts/build.mjs).
 */
export async function createAdapter(name: AdapterName): Promise<Adapter> {
  switch (name) {
    case 'localexec':
      return new LocalExecAdapter();
    case 'claude': {
      const { ClaudeAdapter } = await import('./claude/claude-adapter.ts');
      return new ClaudeAdapter();
    }
    case 'specify': {
      const { SpecifyAdapter } = await import('./specify/specify-adapter.ts');
      return new SpecifyAdapter();
    }
  }
}
