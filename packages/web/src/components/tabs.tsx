import { Link } from '../router/link.tsx';
import { cx } from './cx.ts';

export interface TabLink {
  label: string;
  to: string;
  active: boolean;
}

/** Section navigation rendered as tabs; each tab is a link with its own URL. */
export function TabNav({ label, tabs }: { label: string; tabs: TabLink[] }) {
  return (
    <nav aria-label={label} className="mb-6 border-b border-slate-200">
      <ul className="-mb-px flex gap-1 overflow-x-auto">
        {tabs.map((tab) => (
          <li key={tab.to}>
            <Link
              to={tab.to}
              aria-current={tab.active ? 'page' : undefined}
              className={cx(
                'inline-block border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap',
                'focus-visible:rounded-t focus-visible:outline-2 focus-visible:outline-indigo-600',
                tab.active
                  ? 'border-indigo-600 text-indigo-700'
                  : 'border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-800',
              )}
            >
              {tab.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
