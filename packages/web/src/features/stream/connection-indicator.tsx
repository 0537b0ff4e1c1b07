import type { ChannelStatus, StatusDetail } from '@rfe/protocol';
import { cx } from '../../components/cx.ts';

const looks: Record<ChannelStatus, { label: string; dot: string }> = {
  connecting: { label: 'Connecting', dot: 'bg-slate-400 animate-pulse' },
  open: { label: 'Live', dot: 'bg-emerald-500' },
  reconnecting: { label: 'Reconnecting', dot: 'bg-amber-500 animate-pulse' },
  closed: { label: 'Disconnected', dot: 'bg-slate-400' },
};

/** The session stream's connection state; announced politely when it changes. */
export function ConnectionIndicator({ status, detail }: { status: ChannelStatus; detail: StatusDetail }) {
  const look = looks[status];
  const retry =
    status === 'reconnecting' && detail.retryInMs !== undefined
      ? ` (attempt ${detail.attempt}, retrying in ${Math.ceil(detail.retryInMs / 1000)} s)`
      : '';
  return (
    <span
      role="status"
      data-status={status}
      className="inline-flex items-center gap-1.5 text-xs font-medium text-slate-700"
    >
      <span aria-hidden="true" className={cx('size-2 rounded-full', look.dot)} />
      {look.label}
      <span className="font-normal text-slate-600">{retry}</span>
    </span>
  );
}
