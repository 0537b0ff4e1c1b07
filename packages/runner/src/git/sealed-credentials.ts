import {
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';

export interface Sealed {
  publicKey: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

/**
 * The runner's side of the backend's sealing (server/src/crypto/seal-for-runner.ts): an ephemeral X25519
 * key pair per request, so the credentials the backend sends are readable by this process alone.
 */
export class SealKey {
  readonly #privateKey: KeyObject;
  readonly publicKey: string;

  constructor() {
    const pair = generateKeyPairSync('x25519');
    this.#privateKey = pair.privateKey;
    this.publicKey = pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  }

  open(sealed: Sealed, context: string): string {
    const theirs = createPublicKey({
      key: Buffer.from(sealed.publicKey, 'base64'),
      format: 'der',
      type: 'spki',
    });
    const shared = diffieHellman({ privateKey: this.#privateKey, publicKey: theirs });
    const key = Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), `rfe-runner-seal:${context}`, 32));
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([
      decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  }
}
