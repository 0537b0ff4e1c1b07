// Runs s3rver in its own process. Started by s3rver.ts with `node --openssl-legacy-provider`:
// s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers through the
// legacy provider (without it every truncated listing answers 500).
// Protocol: argv[2] is a JSON config; the parent receives { type: 'ready', port } or { type: 'error', message }.
import S3rver from 's3rver';

const config = JSON.parse(process.argv[2]);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: config.directory,
  configureBuckets: config.buckets.map((name) => ({ name })),
});

// Die with the parent: a crashed test run must not leave servers behind.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));

server.run().then(
  (address) => process.send({ type: 'ready', port: address.port }),
  (error) => {
    process.send({ type: 'error', message: String(error?.stack ?? error) });
    process.exit(1);
  },
);
