import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The SDK session id of the conversation, kept in the adapter's state directory (inside the work
 * directory, which survives a runner restart) so a restarted runner resumes the same conversation.
 */
export class ConversationState {
  readonly #file: string;

  constructor(stateDir: string) {
    this.#file = join(stateDir, 'claude-conversation.json');
  }

  async read(): Promise<string | undefined> {
    try {
      const { sessionId } = JSON.parse(await readFile(this.#file, 'utf8')) as { sessionId?: unknown };
      return typeof sessionId === 'string' && /^[0-9a-f-]{8,64}$/i.test(sessionId) ? sessionId : undefined;
    } catch {
      return undefined;
    }
  }

  async write(sessionId: string): Promise<void> {
    await mkdir(dirname(this.#file), { recursive: true });
    await writeFile(this.#file, JSON.stringify({ sessionId }), { mode: 0o600 });
  }
}
