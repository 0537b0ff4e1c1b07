import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { msg } from '../../../test/messages.ts';
import type { Permission } from '../access/capabilities.ts';
import { MessageRowView } from '../stream/message-row.tsx';

const question = msg('tool_event', {
  name: 'question',
  action: 'start',
  args: {
    questions: [{ question: 'Which database?', options: [{ label: 'PostgreSQL' }, { label: 'SQLite' }] }],
  },
});
const render = (answer?: Permission) =>
  renderToStaticMarkup(
    <MessageRowView message={question} expanded={false} onToggle={() => {}} answer={answer} />,
  );

describe("the agent's question", () => {
  it('gives the owner of a running session one button per option', () => {
    const html = render({ allowed: true });
    expect(html).toContain('Which database?');
    expect(html.match(/<button/g)).toHaveLength(2);
    expect(html).toContain('PostgreSQL');
  });

  it('shows everyone else the question and why they cannot answer, with no buttons', () => {
    const reason = 'Only alice, who started this session, can send prompts.';
    const html = render({ allowed: false, reason });
    expect(html).toContain('Which database?');
    expect(html).not.toContain('<button');
    expect(html).toContain(reason);
  });

  it('offers no buttons when nobody said who may answer', () => {
    const html = render();
    expect(html).not.toContain('<button');
    expect(html).toContain('owner can answer');
  });
});
