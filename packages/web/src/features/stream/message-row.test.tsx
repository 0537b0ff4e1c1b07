import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { msg } from '../../../test/messages.ts';
import { CommandRowView } from './command-row.tsx';
import { MessageRowView } from './message-row.tsx';
import type { CommandRow } from './rows.ts';

const render = (node: React.ReactElement) => renderToStaticMarkup(node);
const row = (m: ReturnType<typeof msg>, extra: { afterCancel?: boolean; expanded?: boolean } = {}) =>
  render(
    <MessageRowView
      message={m}
      expanded={extra.expanded ?? false}
      afterCancel={extra.afterCancel}
      onToggle={() => {}}
    />,
  );

describe('message rendering', () => {
  it('renders a result as Markdown: headings below the page title, lists, GFM tables and code', () => {
    const html = row(
      msg('result', {
        summary: '# Done\n\n- one\n- **two**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```sh\necho hi\n```',
        artifacts: [],
      }),
      { expanded: true },
    );
    expect(html).toContain('<h2');
    expect(html).not.toContain('<h1');
    expect(html).toMatch(/<li>one<\/li>/);
    expect(html).toContain('<strong>two</strong>');
    expect(html).toContain('<table');
    expect(html).toContain('echo');
    expect(html).not.toContain('# Done');
  });

  it('never lets Markdown carry scripts, raw HTML or javascript: links into the page', () => {
    const html = row(
      msg('result', {
        summary: '<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1))',
        artifacts: [],
      }),
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('click');
  });

  it('cuts a long result to its first lines until expanded', () => {
    const summary = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n\n');
    const short = row(msg('result', { summary, artifacts: [] }));
    expect(short).toContain('Show all');
    expect(short).not.toContain('line 20');
    expect(row(msg('result', { summary, artifacts: [] }), { expanded: true })).toContain('line 20');
  });

  it('shows an error after a cancel request as the stop, and other errors as errors', () => {
    const error = msg('error', { code: 'runner_stopped', message: 'The runner was stopped (SIGTERM)' });
    expect(row(error, { afterCancel: true })).toContain('Stopped after the cancel request');
    const plain = row(error);
    expect(plain).toContain('runner_stopped');
    expect(plain).not.toContain('Stopped after');
  });

  it('names who sent a prompt and who asked to cancel', () => {
    const sender = { userId: 'u1', subject: 'alice' };
    expect(row(msg('prompt', { text: 'hi' }, { origin: 'ui', sender }))).toContain('Prompt from alice');
    expect(row(msg('cancel', { reason: 'done' }, { origin: 'ui', sender }))).toContain(
      'Cancel requested by alice: done',
    );
  });

  it('a command killed by a cancel says so instead of showing its signal exit code as a failure', () => {
    const start = msg('command_start', { cmd: 'sleep 60', cwd: '/w' }, { seq: 1 });
    const end = msg('command_end', { cmd: 'sleep 60', exitCode: 137, durationMs: 5 }, { seq: 2 });
    const command = {
      kind: 'command',
      key: 's1',
      start,
      end,
      output: [],
      cancelled: true,
    } as unknown as CommandRow;
    const html = render(<CommandRowView row={command} expanded={false} onToggle={() => {}} />);
    expect(html).toContain('stopped by cancel');
    expect(html).not.toContain('exit 137');
    const failed = { ...command, cancelled: undefined } as CommandRow;
    expect(render(<CommandRowView row={failed} expanded={false} onToggle={() => {}} />)).toContain(
      'exit 137',
    );
    const unfinished = { ...command, end: undefined, cancelled: undefined } as CommandRow;
    expect(
      render(<CommandRowView row={unfinished} finished expanded={false} onToggle={() => {}} />),
    ).toContain('stopped by cancel');
    expect(render(<CommandRowView row={unfinished} expanded={false} onToggle={() => {}} />)).toContain(
      'running',
    );
  });
});
