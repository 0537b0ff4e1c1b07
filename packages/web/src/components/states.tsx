import type { ReactNode } from 'react';
import { isApiError } from '../api/http.ts';
import { Button, Spinner } from './button.tsx';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div role="status" className="flex items-center gap-2 py-6 text-sm text-slate-600">
      <Spinner className="text-indigo-600" />
      {label}
    </div>
  );
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center">
      <p className="text-base font-semibold text-slate-900">{title}</p>
      {children && <div className="mx-auto mt-1 max-w-prose text-sm text-slate-600">{children}</div>}
      {action && <div className="mt-4 flex justify-center">{action}</div>}
    </div>
  );
}

/** The human part of any error, for display. */
export function errorMessage(error: unknown): string {
  if (isApiError(error)) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

export function ErrorState({
  error,
  title = 'Could not load this',
  retry,
}: {
  error: unknown;
  title?: string;
  retry?: () => void;
}) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
      <p className="font-semibold">{title}</p>
      <p className="mt-0.5">{errorMessage(error)}</p>
      {retry && (
        <Button size="sm" className="mt-2" onClick={retry}>
          Try again
        </Button>
      )}
    </div>
  );
}

/** For endpoints another part of the platform has not shipped yet (the router answers 404 "No route"). */
export function NotAvailableState({ feature }: { feature: string }) {
  return (
    <EmptyState title={`${feature} are not available on this server yet`}>
      This server does not offer the {feature.toLowerCase()} API yet. Once it does, they appear here without
      any change on your side.
    </EmptyState>
  );
}

export function isNotAvailable(error: unknown): boolean {
  return isApiError(error) && error.isMissingRoute;
}
