/** Narrowing helpers for Octokit's RequestError without importing its class everywhere. */
export function httpStatus(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'status' in err
    ? Number((err as { status: unknown }).status)
    : undefined;
}

export async function orNullOn404<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (httpStatus(err) === 404) return null;
    throw err;
  }
}
