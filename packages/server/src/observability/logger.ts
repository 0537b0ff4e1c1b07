import pino, { type Logger } from 'pino';

/** Paths that may carry credentials anywhere in a log line; pino replaces them before writing. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secretAccessKey',
  '*.clientSecret',
  '*.privateKey',
  '*.password',
  'token',
  'secretAccessKey',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: redactPaths, censor: '[redacted]' } }, destination);
}
