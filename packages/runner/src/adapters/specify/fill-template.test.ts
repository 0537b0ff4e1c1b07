import { describe, expect, it } from 'vitest';
import { featureNameFrom, featureSlugFrom, fillTemplate } from './fill-template.ts';

describe('Specify templates', () => {
  const facts = {
    slug: 'card-payments',
    name: 'Card payments',
    description: 'Pay by card ($5 min)',
    date: '2025-01-02',
  };

  it('fill the spec-kit placeholders and leave the others for the author', () => {
    const template =
      '# [FEATURE NAME]\nBranch `[###-feature-name]` on [DATE]\nInput: "$ARGUMENTS"\n[Describe it]\n{{ name }}';
    expect(fillTemplate(template, facts)).toBe(
      '# Card payments\nBranch `card-payments` on 2025-01-02\nInput: "Pay by card ($5 min)"\n[Describe it]\nCard payments',
    );
  });

  it('derive a folder name and a title from the description', () => {
    expect(featureSlugFrom('Refund a card payment, quickly & safely!')).toBe(
      'refund-a-card-payment-quickly-safely',
    );
    expect(featureNameFrom('001-card-payments')).toBe('Card payments');
  });
});
