/**
 * Replaces known secrets (tokens, and the Basic credentials built from them) in text that leaves the
 * runner: messages, logs, error texts. Git never sees tokens in URLs, so this is the second line.
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  add(secret: string): void {
    if (secret.length >= 6) this.#secrets.add(secret);
  }

  /** Adds a username:token pair and the Base64 form an Authorization header carries. */
  addBasic(username: string, token: string): void {
    this.add(token);
    this.add(Buffer.from(`${username}:${token}`).toString('base64'));
  }

  text(text: string): string {
    let out = text;
    for (const secret of this.#secrets) if (out.includes(secret)) out = out.split(secret).join('***');
    return out;
  }

  /** A JSON-compatible value with every string redacted. */
  value<T>(value: T): T {
    if (this.#secrets.size === 0) return value;
    const text = JSON.stringify(value);
    if (text === undefined) return value;
    const redacted = this.text(text);
    return redacted === text ? value : (JSON.parse(redacted) as T);
  }
}
