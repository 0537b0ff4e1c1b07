import { buildCli, buildRunner } from './build.mjs';

/** Vitest global setup: the suite runs the runner and the `rfe` CLI as they run in use, built once (scripts/build.mjs). */
export default async function setup(): Promise<void> {
  await Promise.all([buildRunner(), buildCli()]);
}
