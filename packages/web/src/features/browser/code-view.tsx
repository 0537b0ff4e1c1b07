import { type Token, tokenClass } from './highlight.ts';

/** Highlighted lines, optionally numbered; the numbers are not part of the selectable text. */
export function CodeLines({ lines, numbered = true }: { lines: Token[][]; numbered?: boolean }) {
  const width = String(lines.length).length;
  return (
    <code className="block font-mono text-xs leading-5">
      {lines.map((tokens, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a line is its number
        <span key={i} className="flex">
          {numbered && (
            <span
              aria-hidden="true"
              className="mr-4 shrink-0 text-right text-slate-400 select-none"
              style={{ width: `${width}ch` }}
            >
              {i + 1}
            </span>
          )}
          <span className="whitespace-pre">
            {tokens.length === 0
              ? '\n'
              : tokens.map((t, j) =>
                  t.kind === 'plain' ? (
                    t.text
                  ) : (
                    // biome-ignore lint/suspicious/noArrayIndexKey: tokens are their position
                    <span key={j} className={tokenClass[t.kind]}>
                      {t.text}
                    </span>
                  ),
                )}
          </span>
        </span>
      ))}
    </code>
  );
}
