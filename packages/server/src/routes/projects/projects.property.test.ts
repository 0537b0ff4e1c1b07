import { seeded } from '@rfe/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../../test/support/databases.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

/** Arbitrary JSON-ish values, including the wrong types for every field. */
const anyValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

const storage = fc.oneof(
  anyValue,
  fc.record(
    {
      kind: fc.oneof(fc.constantFrom('managed', 'external', 'MANAGED', ''), anyValue),
      bucket: anyValue,
      region: anyValue,
      endpoint: fc.oneof(fc.webUrl(), anyValue),
      prefix: anyValue,
      accessKeyId: anyValue,
      secretAccessKey: anyValue,
      forcePathStyle: anyValue,
    },
    { requiredKeys: [] },
  ),
);

const projectBody = fc.oneof(
  anyValue,
  fc.record(
    {
      name: fc.oneof(fc.stringMatching(/^[a-z0-9-]{0,70}$/), anyValue),
      displayName: anyValue,
      storage,
      extra: anyValue,
    },
    { requiredKeys: [] },
  ),
);

const rand = seeded('projects.property');

describe.each(DATABASES)('project routes under random input (%s)', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, {}, { database });
  });
  afterAll(() => t?.close());

  it('POST /api/projects never answers 5xx, and every 4xx carries an error code', async () => {
    const headers = await t.as('alice');
    await fc.assert(
      fc.asyncProperty(projectBody, async (body) => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/projects',
          headers,
          payload: JSON.stringify(body),
          query: {},
        });
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode >= 400) expect(typeof res.json().error.code).toBe('string');
      }),
      rand.fastCheck({ numRuns: 300 }),
    );
  });

  it('project-scoped GET routes never answer 5xx for arbitrary path segments and queries', async () => {
    const headers = await t.as('alice');
    const routes = ['', '/access', '/members', '/storage', '/audit'];
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 70 }),
        fc.constantFrom(...routes),
        fc.dictionary(
          fc.constantFrom('limit', 'before', 'action', 'actor', 'zzz'),
          fc.string({ maxLength: 30 }),
        ),
        async (name, route, query) => {
          const res = await t.app.inject({
            method: 'GET',
            url: `/api/projects/${encodeURIComponent(name)}${route}`,
            headers,
            query,
          });
          expect(res.statusCode).toBeLessThan(500);
        },
      ),
      rand.fastCheck({ numRuns: 300 }),
    );
  });
});
