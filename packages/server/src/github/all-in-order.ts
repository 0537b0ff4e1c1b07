/**
 * `Promise.all` for independent checks run at once: waits for all of them and, when some fail, throws the
 * failure of the first in the given order, so a request that breaks two rules is refused with the same
 * error whichever answer came back first.
 */
export async function allInOrder<T>(work: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(work);
  for (const result of settled) if (result.status === 'rejected') throw result.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
}
