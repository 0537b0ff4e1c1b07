/**
 * The server validates with JSON Schema and says so in its words ("must NOT have fewer than 1
 * characters"). These turn such messages into the words a person uses; anything else passes unchanged.
 */
export function plainSchemaMessage(message: string, label: string): string {
  const text = message.replace(/^(body\.|query\.|params\.)?[\w.]+: /, '');
  let m = /^must NOT have fewer than (\d+) characters?/i.exec(text);
  if (m) return Number(m[1]) <= 1 ? `${label} is required.` : `${label} needs at least ${m[1]} characters.`;
  m = /^must NOT have more than (\d+) characters?/i.exec(text);
  if (m) return `${label} can have at most ${m[1]} characters.`;
  m = /^must NOT have fewer than (\d+) items?/i.exec(text);
  if (m) return `${label} needs at least ${m[1]} ${Number(m[1]) === 1 ? 'entry' : 'entries'}.`;
  if (/^is required/i.test(text)) return `${label} is required.`;
  if (/^must match pattern/i.test(text)) return `${label} has characters that are not allowed here.`;
  if (/^must match format "uri"/i.test(text))
    return `${label} must be a full URL such as https://example.com.`;
  if (/^must be equal to one of the allowed values/i.test(text)) return `${label} is not one of the choices.`;
  if (/^unknown field/i.test(text)) return `${label} is not accepted here.`;
  if (/^must be (string|integer|number|boolean)/i.test(text)) return `${label} has the wrong kind of value.`;
  return text.replace(/^./, (c) => c.toUpperCase());
}

/** "storage.accessKeyId" → "Access key id": a readable name for a request field nobody labelled. */
export function labelOf(field: string): string {
  const last = field.split('.').pop() ?? field;
  const words = last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.replace(/^./, (c) => c.toUpperCase());
}
