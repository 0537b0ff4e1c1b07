import type { ReactNode } from 'react';
import { CodeLines } from './code-view.tsx';
import { highlight } from './highlight.ts';
import { renderInline } from './markdown-inline.tsx';

/**
 * A safe subset of Markdown (CommonMark + GFM tables and task lists) rendered to React elements: headings,
 * paragraphs, lists, block quotes, fenced code with highlighting, tables, rules. Raw HTML is shown as text.
 */
export function Markdown({ text }: { text: string }) {
  return (
    <div className="space-y-4 text-sm leading-relaxed text-slate-800">
      {blocks(text.replace(/\r\n?/g, '\n').split('\n'), 'b')}
    </div>
  );
}

const headingClass = [
  'text-2xl font-semibold',
  'text-xl font-semibold border-b border-slate-200 pb-1',
  'text-lg font-semibold',
  'text-base font-semibold',
  'text-sm font-semibold',
  'text-sm font-semibold text-slate-600',
];
const listItem = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/;

function blocks(lines: string[], key: string): ReactNode[] {
  const out: ReactNode[] = [];
  let i = 0;
  const k = () => `${key}-${out.length}`;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = /^\s*(```+|~~~+)\s*([\w+-]*)/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith(fence[1]!)) body.push(lines[i++]!);
      i++;
      out.push(
        <pre key={k()} className="overflow-x-auto rounded-lg bg-slate-50 p-3 text-xs ring-1 ring-slate-200">
          <CodeLines lines={highlight(body.join('\n'), fence[2] || undefined)} numbered={false} />
        </pre>,
      );
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      const Tag = `h${Math.min(level + 1, 6)}` as 'h2';
      out.push(
        <Tag key={k()} className={`text-slate-900 ${headingClass[level - 1]}`}>
          {renderInline(heading[2]!, k())}
        </Tag>,
      );
      i++;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push(<hr key={k()} className="border-slate-200" />);
      i++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i]!)) body.push(lines[i++]!.replace(/^\s*>\s?/, ''));
      out.push(
        <blockquote key={k()} className="space-y-2 border-l-4 border-slate-300 pl-3 text-slate-600">
          {blocks(body, k())}
        </blockquote>,
      );
      continue;
    }
    if (line.includes('|') && /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(lines[i + 1] ?? '')) {
      const rows: string[] = [line];
      i += 2;
      while (i < lines.length && lines[i]!.includes('|') && lines[i]!.trim()) rows.push(lines[i++]!);
      out.push(<Table key={k()} rows={rows} id={k()} />);
      continue;
    }
    if (listItem.test(line)) {
      const items: string[][] = [];
      const ordered = /^\s*\d/.test(line);
      const indent = listItem.exec(line)![1]!.length;
      while (i < lines.length) {
        const m = listItem.exec(lines[i]!);
        if (m && m[1]!.length <= indent) items.push([m[3]!]);
        else if (lines[i]!.trim() && (/^\s+/.test(lines[i]!) || m))
          items.at(-1)!.push(lines[i]!.slice(Math.min(indent + 2, lines[i]!.search(/\S/))));
        else if (!lines[i]!.trim() && listItem.test(lines[i + 1] ?? '')) {
          i++;
          continue;
        } else break;
        i++;
      }
      const List = ordered ? 'ol' : 'ul';
      out.push(
        <List key={k()} className={`space-y-1 pl-6 ${ordered ? 'list-decimal' : 'list-disc'}`}>
          {items.map((item, j) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: list items are their position
            <li key={j}>{listItemContent(item, `${k()}-${j}`)}</li>
          ))}
        </List>,
      );
      continue;
    }
    const para: string[] = [];
    while (
      i < lines.length &&
      lines[i]!.trim() &&
      !/^(\s*(#{1,6}\s|>|```|~~~)|\s*([-*+]|\d+[.)])\s)/.test(lines[i]!)
    )
      para.push(lines[i++]!.trim());
    if (para.length === 0) para.push(lines[i++]!.trim());
    out.push(<p key={k()}>{renderInline(para.join(' '), k())}</p>);
  }
  return out;
}

function listItemContent(item: string[], key: string): ReactNode {
  const [first = '', ...rest] = item;
  const task = /^\[([ xX])\]\s+(.*)$/.exec(first);
  const head = task ? (
    <span className="inline-flex items-baseline gap-1.5">
      <input
        type="checkbox"
        checked={task[1] !== ' '}
        readOnly
        disabled
        aria-label={task[1] !== ' ' ? 'done' : 'not done'}
        className="translate-y-0.5 accent-indigo-600"
      />
      <span>{renderInline(task[2]!, key)}</span>
    </span>
  ) : (
    renderInline(first, key)
  );
  return rest.length ? (
    <>
      {head}
      <div className="mt-1 space-y-2">{blocks(rest, key)}</div>
    </>
  ) : (
    head
  );
}

function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

function Table({ rows, id }: { rows: string[]; id: string }) {
  const [head = '', ...body] = rows;
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full border-collapse text-left text-sm">
        <thead>
          <tr>
            {cells(head).map((c, j) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are their position
              <th key={j} scope="col" className="border border-slate-200 bg-slate-50 px-2 py-1 font-semibold">
                {renderInline(c, `${id}-h${j}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {body.map((row, r) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are their position
            <tr key={r}>
              {cells(row).map((c, j) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are their position
                <td key={j} className="border border-slate-200 px-2 py-1 align-top">
                  {renderInline(c, `${id}-${r}-${j}`)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
