// What other packages may use: the launcher builds the environment and the credentials file from these
// types; the runner itself starts from main.ts.
export type { CredentialsFile, GitCredential } from './credentials-file.ts';
export { RUN_ERROR_CODES, type RunErrorCode } from './errors.ts';
export { FileOutbox } from './outbox/file-outbox.ts';
export {
  ADAPTERS,
  type AdapterName,
  loadSettings,
  type PushTarget,
  type RunnerSettings,
  shortSessionId,
} from './settings.ts';
export { EXIT, runSession } from './shell/run-session.ts';
