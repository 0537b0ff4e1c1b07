/** What a field must be; checked in the browser so that every problem shows at once, before a request. */
export interface FieldRule {
  label: string;
  required?: boolean;
  maxLength?: number;
  /** A pattern and, in plain words, what it asks for. */
  pattern?: { test: RegExp; says: string };
  url?: boolean;
}

/** Every field's first problem, keyed like the request's fields; empty when the form may be sent. */
export function validate(
  values: Record<string, string>,
  rules: Record<string, FieldRule>,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [field, rule] of Object.entries(rules)) {
    const value = (values[field] ?? '').trim();
    if (!value) {
      if (rule.required) errors[field] = `${rule.label} is required.`;
      continue;
    }
    if (rule.maxLength !== undefined && value.length > rule.maxLength)
      errors[field] =
        `${rule.label} can have at most ${rule.maxLength} characters (this has ${value.length}).`;
    else if (rule.pattern && !rule.pattern.test.test(value))
      errors[field] = `${rule.label}: ${rule.pattern.says}`;
    else if (rule.url && !isUrl(value))
      errors[field] = `${rule.label} must be a full URL such as https://s3.example.com.`;
  }
  return errors;
}

function isUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
