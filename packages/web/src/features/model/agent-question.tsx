import type { PersistedEnvelope } from '@rfe/protocol';
import { useState } from 'react';
import { messagesApi } from '../../api/messages.ts';
import { Button, DisabledReason } from '../../components/button.tsx';
import { errorMessage } from '../../components/states.tsx';
import type { Permission } from '../access/capabilities.ts';

interface Question {
  question: string;
  header?: string;
  options?: { label: string; description?: string }[];
}

/** The project of the page the session view is on (`/projects/{p}/sessions/{s}`). */
const projectOfPage = () =>
  decodeURIComponent(/^\/projects\/([^/]+)\//.exec(window.location.pathname)?.[1] ?? '');

/**
 * A question the agent asks the session's owner (its AskUserQuestion tool, or permission for a tool):
 * each option is a button that sends the answer as the owner's next prompt, which the runner hands to
 * the agent as the tool's answer. Others (`answer` not allowed: not the owner, a viewer, or the session
 * ended) see the question and why they cannot answer, with no buttons; the server refuses them anyway.
 */
export function AgentQuestion({ message, answer: may }: { message: PersistedEnvelope; answer: Permission }) {
  const args =
    (message.payload as { args?: { kind?: string; questions?: Question[]; tool?: string } }).args ?? {};
  const [sent, setSent] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const answer = async (key: string, text: string) => {
    setError(undefined);
    try {
      await messagesApi.send(projectOfPage(), message.sessionId, { type: 'prompt', payload: { text } });
      setSent((s) => ({ ...s, [key]: text }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const questions: Question[] =
    args.kind === 'permission'
      ? [
          {
            question: `The agent asks to use ${args.tool ?? 'a tool'}.`,
            options: [{ label: 'allow' }, { label: 'deny' }],
          },
        ]
      : (args.questions ?? []);
  return (
    <fieldset className="space-y-2" aria-label="The agent asks">
      {questions.map((q) => (
        <div key={q.question} className="rounded-md bg-amber-50 p-2 ring-1 ring-amber-200">
          <p className="text-sm font-medium text-slate-900">
            {q.header ? `${q.header}: ` : ''}
            {q.question}
          </p>
          {sent[q.question] ? (
            <p className="mt-1 text-xs text-slate-700">Answered: {sent[q.question]}</p>
          ) : !may.allowed ? (
            <p className="mt-1">
              <DisabledReason>{may.reason ?? 'You cannot answer in this session.'}</DisabledReason>
            </p>
          ) : (
            <div className="mt-1 flex flex-wrap gap-2">
              {(q.options ?? []).map((o) => (
                <Button
                  key={o.label}
                  size="sm"
                  title={o.description}
                  onClick={() => void answer(q.question, o.label)}
                >
                  {o.label}
                </Button>
              ))}
            </div>
          )}
        </div>
      ))}
      {error && <p className="text-sm text-red-700">{error}</p>}
    </fieldset>
  );
}
