import { buildRunner } from './build.mjs';

/** Vitest global setup: the suite runs the runner as the launchers do, built once (scripts/build.mjs). */
export default async function setup(): Promise<void> {
  await buildRunner();
}
