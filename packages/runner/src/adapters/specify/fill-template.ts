export interface FeatureFacts {
  /** kebab-case folder name under specs/. */
  slug: string;
  /** Human-readable name. */
  name: string;
  description: string;
  /** YYYY-MM-DD. */
  date: string;
}

/**
 * Fills the placeholders of a spec-kit template: `[FEATURE NAME]`/`[FEATURE]`, `[###-feature-name]`,
 * `[DATE]`, `$ARGUMENTS`, and the `{{name}}`, `{{feature}}`, `{{description}}`, `{{date}}` forms.
 * Other placeholders are left for the author (or the agent) to fill.
 */
export function fillTemplate(template: string, facts: FeatureFacts): string {
  const replacements: [RegExp, string][] = [
    [/\[FEATURE NAME\]|\[FEATURE\]|\{\{\s*name\s*\}\}/g, facts.name],
    [/\[###-feature-name\]|\{\{\s*feature\s*\}\}/g, facts.slug],
    [/\[DATE\]|\{\{\s*date\s*\}\}/g, facts.date],
    [/\$ARGUMENTS|\{\{\s*description\s*\}\}/g, facts.description],
  ];
  // Functions as replacements, so `$` in the description is taken literally.
  return replacements.reduce((text, [pattern, value]) => text.replace(pattern, () => value), template);
}

/** A kebab-case folder name from the first words of a description. */
export function featureSlugFrom(description: string): string {
  return description
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9\s-]/g, ' ')
    .split(/[\s-]+/)
    .filter(Boolean)
    .slice(0, 6)
    .join('-')
    .slice(0, 48)
    .replace(/-+$/, '');
}

export function featureNameFrom(slug: string): string {
  const words = slug.replace(/^\d+-/, '').split('-').filter(Boolean);
  const name = words.join(' ');
  return name.charAt(0).toUpperCase() + name.slice(1);
}
