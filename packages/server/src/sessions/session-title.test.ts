import { describe, expect, it } from 'vitest';
import { pullRequestTitle, sessionTitle, TITLE_MAX } from './session-title.ts';

describe('session titles', () => {
  it('uses the given title, trimmed, else the first non-empty line of the prompt', () => {
    expect(sessionTitle('  Dark mode toggle ', 'echo hi')).toBe('Dark mode toggle');
    expect(sessionTitle(undefined, '\n\n  Add a dark mode toggle\nto the header')).toBe(
      'Add a dark mode toggle',
    );
    expect(sessionTitle('   ', 'echo one\necho two')).toBe('echo one');
    expect(sessionTitle(undefined, '   \n  ')).toBe('');
  });

  it('folds whitespace and cuts long titles with an ellipsis', () => {
    expect(sessionTitle('a\tb   c', '')).toBe('a b c');
    const long = sessionTitle('x'.repeat(500), '');
    expect(long).toHaveLength(TITLE_MAX);
    expect(long.endsWith('…')).toBe(true);
  });

  it("puts the session's title after the runner's [rfe/slug] prefix", () => {
    expect(pullRequestTitle('Dark mode', '[rfe/dark-mode] Ran 5 commands:')).toBe(
      '[rfe/dark-mode] Dark mode',
    );
    expect(pullRequestTitle('Dark mode', 'Ran 5 commands:')).toBe('Dark mode');
    expect(pullRequestTitle('', '[rfe/x] Ran 1 command')).toBe('[rfe/x] Ran 1 command');
    expect(pullRequestTitle(undefined, '[rfe/x] Ran 1 command')).toBe('[rfe/x] Ran 1 command');
  });
});
