import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http.ts';
import { formErrors } from '../projects/form-errors.ts';
import { labelOf, plainSchemaMessage } from './plain-words.ts';
import { validate } from './validate.ts';

describe('form validation in the browser', () => {
  const rules = {
    name: { label: 'Name', required: true, maxLength: 10 },
    upstream: {
      label: 'Upstream',
      required: true,
      pattern: { test: /^\w+\/\w+$/, says: 'write it as owner/name.' },
    },
    endpoint: { label: 'Endpoint', url: true },
  };

  it('reports every field at once, calling empty required fields required', () => {
    expect(validate({ name: '  ', upstream: '', endpoint: 'not a url' }, rules)).toEqual({
      name: 'Name is required.',
      upstream: 'Upstream is required.',
      endpoint: 'Endpoint must be a full URL such as https://s3.example.com.',
    });
  });

  it('explains patterns and lengths in plain words, and passes good values', () => {
    expect(validate({ name: 'x'.repeat(11), upstream: 'acme', endpoint: '' }, rules)).toEqual({
      name: 'Name can have at most 10 characters (this has 11).',
      upstream: 'Upstream: write it as owner/name.',
    });
    expect(validate({ name: 'ok', upstream: 'acme/umbrella', endpoint: 'https://s3.local' }, rules)).toEqual(
      {},
    );
  });
});

describe("the server's validation messages in plain words", () => {
  it.each([
    ['body.name: must NOT have fewer than 1 characters', 'Name is required.'],
    ['body.name: must NOT have fewer than 3 characters', 'Name needs at least 3 characters.'],
    ['body.name: must NOT have more than 63 characters', 'Name can have at most 63 characters.'],
    ['body.name: is required', 'Name is required.'],
    ['body.name: must match pattern "^[a-z]+$"', 'Name has characters that are not allowed here.'],
  ])('%s → %s', (message, plain) => {
    expect(plainSchemaMessage(message, 'Name')).toBe(plain);
  });

  it('names unlabelled fields readably', () => {
    expect(labelOf('storage.accessKeyId')).toBe('Access key id');
  });

  it('never shows the validator text at a field', () => {
    const empty = new ApiError(
      400,
      'invalid_request',
      'body.displayName: must NOT have fewer than 1 characters',
      {
        field: 'displayName',
      },
    );
    expect(formErrors(empty, { displayName: 'Display name' }).fields).toEqual({
      displayName: 'Display name is required.',
    });
  });

  it('puts a storage check failure at its field, once, and nowhere else', () => {
    const err = new ApiError(422, 'storage_endpoint_unreachable', 'Could not reach http://nowhere:9.', {
      step: 'connect',
      hint: 'Check the endpoint URL and that the store is running.',
    });
    const errors = formErrors(err);
    expect(errors.fields).toEqual({
      'storage.endpoint':
        'Could not reach http://nowhere:9. Check the endpoint URL and that the store is running.',
    });
    expect(errors.storage).toBeUndefined();
    expect(errors.form).toBeUndefined();
  });

  it('keeps conflicts at their field and other failures on top', () => {
    const conflict = new ApiError(409, 'conflict', 'A project named "acme" already exists.', {
      field: 'name',
    });
    expect(formErrors(conflict).fields.name).toBe('A project named "acme" already exists.');
    expect(formErrors(new ApiError(503, 'unavailable', 'Try later.')).form).toBe('Try later.');
  });
});
