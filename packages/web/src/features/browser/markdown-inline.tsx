import type { ReactNode } from 'react';

// Order matters: code spans first (nothing inside them is formatted), then links, then emphasis.
const inline =
  /(`+)([\s\S]*?[^`])\1(?!`)|!?\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|_([^_\s][^_]*)_|~~([^~]+)~~|<(https?:\/\/[^>\s]+)>/g;

/** Only web and relative links; anything else (javascript:, data: …) is rendered as text. */
export function safeHref(href: string): string | undefined {
  if (/^(https?:|mailto:)/i.test(href)) return href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return undefined;
  return href;
}

/** Inline Markdown (code, links, bold, italic, strikethrough) as React nodes — never as HTML. */
export function renderInline(text: string, keyPrefix = 'i'): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let n = 0;
  for (const m of text.matchAll(inline)) {
    const index = m.index ?? 0;
    if (index > last) out.push(text.slice(last, index));
    const key = `${keyPrefix}-${n++}`;
    const [whole, , code, label, href, bold1, bold2, em1, em2, strike, auto] = m;
    if (code !== undefined) {
      out.push(
        <code key={key} className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.9em]">
          {code.trim()}
        </code>,
      );
    } else if (href !== undefined) {
      const safe = safeHref(href);
      const isImage = whole.startsWith('!');
      // Images are shown as links: the page allows no external images, and alt text must stay visible.
      out.push(
        safe ? (
          <a
            key={key}
            href={safe}
            className="text-indigo-700 underline"
            target={/^https?:/.test(safe) ? '_blank' : undefined}
            rel="noreferrer"
          >
            {isImage ? `🖼 ${label || safe}` : renderInline(label ?? '', key)}
          </a>
        ) : (
          <span key={key}>{label}</span>
        ),
      );
    } else if (bold1 ?? bold2) {
      out.push(<strong key={key}>{renderInline(bold1 ?? bold2 ?? '', key)}</strong>);
    } else if (em1 ?? em2) {
      out.push(<em key={key}>{renderInline(em1 ?? em2 ?? '', key)}</em>);
    } else if (strike) {
      out.push(<del key={key}>{renderInline(strike, key)}</del>);
    } else if (auto) {
      out.push(
        <a key={key} href={auto} className="text-indigo-700 underline" target="_blank" rel="noreferrer">
          {auto}
        </a>,
      );
    }
    last = index + whole.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
