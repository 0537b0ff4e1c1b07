/** Longest stored title; longer ones (given or taken from the prompt) are cut with an ellipsis. */
export const TITLE_MAX = 100;

const cut = (text: string) => (text.length > TITLE_MAX ? `${text.slice(0, TITLE_MAX - 1).trimEnd()}…` : text);

/** The title a session gets: the one given at start, else the first non-empty line of its prompt. */
export function sessionTitle(given: string | undefined, prompt: string): string {
  const chosen =
    given?.trim() ||
    prompt
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ||
    '';
  return cut(chosen.replace(/\s+/g, ' '));
}

/**
 * The pull request title for a session's change: the session's title under the runner's `[rfe/{slug}]`
 * prefix (the runner only knows what it ran, e.g. "Ran 5 commands:").
 */
export function pullRequestTitle(sessionTitleText: string | undefined, runnerTitle: string): string {
  if (!sessionTitleText) return runnerTitle;
  const prefix = /^\[[^\]]+\] /.exec(runnerTitle)?.[0] ?? '';
  return `${prefix}${sessionTitleText}`;
}
