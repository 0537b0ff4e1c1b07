import { ScrollRegion } from '../../components/scroll-region.tsx';
/** A unified diff with added, removed and hunk lines coloured. */
export function DiffView({ diff }: { diff: string }) {
  const lines = diff.replace(/\n$/, '').split('\n');
  return (
    <ScrollRegion
      label="Diff"
      className="overflow-x-auto rounded-md bg-slate-50 py-2 text-xs leading-5 ring-1 ring-slate-200"
    >
      <pre className="font-mono">
        <code className="block font-mono">
          {lines.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a diff line is its position
            <span key={i} className={`block px-3 whitespace-pre ${lineClass(line)}`}>
              {line || ' '}
            </span>
          ))}
        </code>
      </pre>
    </ScrollRegion>
  );
}

function lineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return 'text-slate-600 font-semibold';
  if (line.startsWith('+')) return 'bg-emerald-50 text-emerald-900';
  if (line.startsWith('-')) return 'bg-red-50 text-red-900';
  if (line.startsWith('@@')) return 'text-sky-800 bg-sky-50/60';
  return 'text-slate-700';
}
