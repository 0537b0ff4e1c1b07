import type { ComponentProps } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';
import { CodeLines } from '../features/browser/code-view.tsx';
import { highlight } from '../features/browser/highlight.ts';
import { cx } from './cx.ts';

/**
 * Markdown as a person reads it: CommonMark + GFM (tables, task lists, strikethrough, autolinks) through
 * react-markdown and remark-gfm. Raw HTML is not rendered (react-markdown's default) and the tree is
 * sanitised with rehype-sanitize's GitHub schema, so `javascript:` links and the like never reach the DOM.
 */
export function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <div className={cx('markdown space-y-3 text-sm leading-relaxed break-words text-slate-800', className)}>
      <ReactMarkdown remarkPlugins={[remarkGfm]} rehypePlugins={[rehypeSanitize]} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}

// Headings start at h2: the page's own h1 stays the only one.
const heading =
  (Tag: 'h2' | 'h3' | 'h4' | 'h5' | 'h6', look: string) =>
  ({ node: _node, ...props }: ComponentProps<'h2'> & { node?: unknown }) => (
    <Tag {...props} className={cx('text-slate-900', look)} />
  );

const components: Components = {
  h1: heading('h2', 'text-xl font-semibold'),
  h2: heading('h3', 'border-b border-slate-200 pb-1 text-lg font-semibold'),
  h3: heading('h4', 'text-base font-semibold'),
  h4: heading('h5', 'text-sm font-semibold'),
  h5: heading('h6', 'text-sm font-semibold'),
  h6: heading('h6', 'text-sm font-semibold text-slate-600'),
  a: ({ node: _node, ...props }) => (
    <a {...props} className="text-indigo-700 underline" target="_blank" rel="noreferrer noopener" />
  ),
  ul: ({ node: _node, ...props }) => <ul {...props} className="list-disc space-y-1 pl-6" />,
  ol: ({ node: _node, ...props }) => <ol {...props} className="list-decimal space-y-1 pl-6" />,
  blockquote: ({ node: _node, ...props }) => (
    <blockquote {...props} className="space-y-2 border-l-4 border-slate-300 pl-3 text-slate-600" />
  ),
  hr: () => <hr className="border-slate-200" />,
  table: ({ node: _node, ...props }) => (
    <div className="overflow-x-auto">
      <table {...props} className="min-w-full border-collapse text-left text-sm" />
    </div>
  ),
  th: ({ node: _node, ...props }) => (
    <th {...props} scope="col" className="border border-slate-200 bg-slate-50 px-2 py-1 font-semibold" />
  ),
  td: ({ node: _node, ...props }) => (
    <td {...props} className="border border-slate-200 px-2 py-1 align-top" />
  ),
  input: ({ node: _node, ...props }) => (
    <input
      {...props}
      className="mr-1.5 translate-y-0.5 accent-indigo-600"
      aria-label={props.checked ? 'done' : 'not done'}
    />
  ),
  pre: ({ children }) => (
    <pre className="overflow-x-auto rounded-lg bg-slate-50 p-3 text-xs ring-1 ring-slate-200">{children}</pre>
  ),
  code: ({ node: _node, className, children }) => {
    const text = String(children ?? '');
    const lang = /language-([\w+-]+)/.exec(className ?? '')?.[1];
    // Fenced blocks end with a newline (inline code never does): they get highlighted lines.
    if (lang || text.endsWith('\n'))
      return <CodeLines lines={highlight(text.replace(/\n$/, ''), lang)} numbered={false} />;
    return <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.85em]">{children}</code>;
  },
};
