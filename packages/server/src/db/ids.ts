import { monotonicFactory } from 'ulid';

/** Sortable ids; monotonic so rows made in the same millisecond still sort in creation order. */
export const newId: () => string = monotonicFactory();
