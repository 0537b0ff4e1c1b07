import { describe, expect, it } from 'vitest';
import { parseCommands } from './parse-commands.ts';

describe('localexec prompts', () => {
  it('take a JSON list of commands', () => {
    expect(parseCommands('["echo a", " npm test ", ""]')).toEqual(['echo a', 'npm test']);
  });
  it('or one command per line, without blank lines and comments', () => {
    expect(parseCommands('echo a\n\n# a comment\n  make build  \n')).toEqual(['echo a', 'make build']);
  });
  it('a line that only looks like JSON is a command', () => {
    expect(parseCommands('[ -f README.md ] && echo yes')).toEqual(['[ -f README.md ] && echo yes']);
  });
  it('a JSON list of anything but strings is refused', () => {
    expect(() => parseCommands('["ok", 3]')).toThrow('strings only');
  });
});
