import { isApiError } from '../../api/http.ts';
import { labelOf, plainSchemaMessage } from '../forms/plain-words.ts';

/** Friendlier wording for the server's schema messages, per request field. */
const fieldHints: Record<string, string> = {
  name: 'Use a DNS label: lowercase letters, digits and hyphens, starting and ending with a letter or digit (at most 63).',
  'storage.bucket': 'Use a valid S3 bucket name: 3–63 lowercase letters, digits, dots and hyphens.',
  'storage.region': 'Use a region name such as us-east-1.',
  'storage.endpoint': 'Use a full URL such as https://s3.example.com.',
  'storage.prefix': 'Use path segments ending in a slash, such as rfe/ or team/rfe/.',
};

export interface FormErrors {
  /** Messages by request field (`name`, `storage.bucket` …). */
  fields: Record<string, string>;
  /** A storage check that failed (422 storage_*, 503 storage_unavailable): which step, and what to check. */
  storage?: { message: string; step?: string; hint?: string };
  /** Anything that belongs to no field. */
  form?: string;
}

// Storage checks whose failure is about one setting: the message goes under that field, and only there.
const storageFieldOf: Record<string, string> = {
  storage_endpoint_unreachable: 'storage.endpoint',
  storage_invalid_credentials: 'storage.accessKeyId',
  storage_bucket_not_found: 'storage.bucket',
};

/** Places an API error where the user will look for it: at a field, at the storage section, or on top. */
export function formErrors(error: unknown, labels: Record<string, string> = {}): FormErrors {
  if (!error) return { fields: {} };
  if (!isApiError(error)) return { fields: {}, form: error instanceof Error ? error.message : String(error) };
  const field = error.field;
  if (field && (error.status === 400 || error.status === 409)) {
    const label = labels[field] ?? labelOf(field);
    const text =
      error.status === 400 && isSchemaMessage(error.message)
        ? /is required|fewer than 1 character/.test(error.message)
          ? `${label} is required.`
          : (fieldHints[field] ?? plainSchemaMessage(error.message, label))
        : stripWhere(error.message);
    return { fields: { [field]: text } };
  }
  const storageField = storageFieldOf[error.code];
  if (storageField) {
    const { hint } = error.details as { hint?: string };
    return {
      fields: {
        [storageField]: hint && !error.message.includes(hint) ? `${error.message} ${hint}` : error.message,
      },
    };
  }
  if (error.code.startsWith('storage_')) {
    const { step, hint } = error.details as { step?: string; hint?: string };
    return { fields: {}, storage: { message: error.message, step, hint } };
  }
  if (error.status === 400) return { fields: {}, form: plainSchemaMessage(error.message, 'This value') };
  return { fields: {}, form: error.message };
}

// "body.name: must match pattern …" → the pattern is for machines; "storage.bucket: is required …" reads fine.
function isSchemaMessage(message: string): boolean {
  return /must (match|NOT|be|have)|is invalid|is required/.test(message);
}

function stripWhere(message: string): string {
  return message.replace(/^(body\.)?[\w.]+: /, '').replace(/^./, (c) => c.toUpperCase());
}
