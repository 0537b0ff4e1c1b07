import {
  type PlatformWithForge,
  startPlatformWithForge,
} from '../../packages/server/test/support/platform-with-forge.ts';
import { ensureWebBuild } from './web-build.ts';

export type E2ePlatform = PlatformWithForge;

/**
 * The whole platform in this process, as `rfe up` wires it: SQLite and a directory store in a temp data
 * directory, the bundled forge as the Git host, the built UI served by the server, on a free port.
 */
export async function startE2ePlatform(): Promise<E2ePlatform> {
  ensureWebBuild();
  return startPlatformWithForge();
}
