import type { AdapterName } from '../settings.ts';
import type { Adapter } from './adapter.ts';
import { ClaudeAdapter } from './claude/claude-adapter.ts';
import { LocalExecAdapter } from './localexec/localexec-adapter.ts';
import { SpecifyAdapter } from './specify/specify-adapter.ts';

export function createAdapter(name: AdapterName): Adapter {
  switch (name) {
    case 'localexec':
      return new LocalExecAdapter();
    case 'claude':
      return new ClaudeAdapter();
    case 'specify':
      return new SpecifyAdapter();
  }
}
