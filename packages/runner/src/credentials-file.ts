import { readFileSync, statSync, unlinkSync } from 'node:fs';
import { SettingsError } from './errors.ts';
import { isObject } from './settings-parsers.ts';

/** A token for every Git URL that starts with `url` (host, owner or repository prefix). */
export interface GitCredential {
  url: string;
  username: string;
  token: string;
}

export interface CredentialsFile {
  runnerToken?: string;
  /** The session's model key for the backend's model gateway (claude and specify sessions). */
  modelKey?: string;
  git: GitCredential[];
}

const VARIABLE = 'RFE_GIT_CREDENTIALS_FILE';

/**
 * Reads the credentials file the launcher wrote for this session:
 * `{ "runnerToken"?: "…", "modelKey"?: "…", "git": [{ "url": "https://host/owner/", "token": "…", "username"?: "x-access-token" }] }`.
 * It must be readable by the runner only (mode 0600 or 0400): a token readable by others is refused.
 */
export function readCredentialsFile(path: string): CredentialsFile {
  let mode: number;
  let text: string;
  try {
    mode = statSync(path).mode;
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SettingsError(
      VARIABLE,
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  if ((mode & 0o077) !== 0) {
    throw new SettingsError(
      VARIABLE,
      `${path} is readable by others (mode ${(mode & 0o777).toString(8)}); it must be 0600`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The content is secret: never echo it.
    throw new SettingsError(VARIABLE, `${path} is not valid JSON`);
  }
  return parseCredentials(parsed, path);
}

function parseCredentials(value: unknown, path: string): CredentialsFile {
  if (!isObject(value)) throw new SettingsError(VARIABLE, `${path} must hold a JSON object`);
  const { runnerToken, modelKey, git = [] } = value;
  if (runnerToken !== undefined && (typeof runnerToken !== 'string' || runnerToken === '')) {
    throw new SettingsError(VARIABLE, `${path}: runnerToken must be a non-empty string`);
  }
  if (modelKey !== undefined && (typeof modelKey !== 'string' || modelKey === '')) {
    throw new SettingsError(VARIABLE, `${path}: modelKey must be a non-empty string`);
  }
  if (!Array.isArray(git)) throw new SettingsError(VARIABLE, `${path}: git must be a list`);
  const credentials = git.map((entry, index): GitCredential => {
    const where = `${path}: git[${index}]`;
    if (!isObject(entry)) throw new SettingsError(VARIABLE, `${where} must be an object`);
    const { url, token, username = 'x-access-token' } = entry;
    if (typeof url !== 'string' || !/^(https?|file):\/\//.test(url)) {
      throw new SettingsError(VARIABLE, `${where}.url must be an http(s) URL prefix`);
    }
    if (typeof token !== 'string' || token === '') {
      throw new SettingsError(VARIABLE, `${where}.token must be a non-empty string`);
    }
    if (typeof username !== 'string' || username === '' || username.includes(':')) {
      throw new SettingsError(VARIABLE, `${where}.username must be a non-empty string without ':'`);
    }
    return { url, token, username };
  });
  return {
    ...(runnerToken ? { runnerToken } : {}),
    ...(typeof modelKey === 'string' ? { modelKey } : {}),
    git: credentials,
  };
}

/**
 * Removes the secret files the launcher wrote, once their content is in memory, so no adapter code can
 * read them later. Returns the files that could not be removed (e.g. a read-only Kubernetes Secret
 * volume, which the Job keeps out of the agent's reach instead).
 */
export function removeSecretFiles(paths: readonly string[]): string[] {
  const left: string[] = [];
  for (const path of paths) {
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') left.push(path);
    }
  }
  return left;
}
