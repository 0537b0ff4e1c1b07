/**
 * The commands a localexec prompt holds: a JSON list of strings, or one shell command per line
 * (blank lines and `#` comments skipped).
 */
export function parseCommands(prompt: string): string[] {
  const text = prompt.trim();
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined; // not JSON after all: a shell line starting with '['
    }
    if (Array.isArray(parsed)) {
      if (!parsed.every((c) => typeof c === 'string'))
        throw new TypeError('the JSON list must hold strings only');
      return parsed.map((c) => c.trim()).filter(Boolean);
    }
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
