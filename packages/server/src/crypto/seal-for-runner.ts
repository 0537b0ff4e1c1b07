import {
  createCipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
} from 'node:crypto';

/** A secret encrypted to one runner's ephemeral X25519 key (ECDH → HKDF-SHA256 → AES-256-GCM). */
export interface SealedForRunner {
  /** The server's ephemeral public key, SPKI DER in base64. */
  publicKey: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

/**
 * Encrypts `plaintext` so only the holder of the private half of `runnerPublicKey` (SPKI DER, base64) can
 * read it: credentials for a runner never appear in plain text in a response body, a proxy or a log.
 * `context` (e.g. the session id) is bound into the key.
 */
export function sealForRunner(plaintext: string, runnerPublicKey: string, context: string): SealedForRunner {
  const theirs = createPublicKey({
    key: Buffer.from(runnerPublicKey, 'base64'),
    format: 'der',
    type: 'spki',
  });
  if (theirs.asymmetricKeyType !== 'x25519') throw new Error('publicKey must be an X25519 key');
  const ours = generateKeyPairSync('x25519');
  const shared = diffieHellman({ privateKey: ours.privateKey, publicKey: theirs });
  const key = Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), `rfe-runner-seal:${context}`, 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    publicKey: ours.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}
