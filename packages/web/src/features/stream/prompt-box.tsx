import { type FormEvent, type KeyboardEvent, useId, useState } from 'react';
import { messagesApi } from '../../api/messages.ts';
import { Button, DisabledReason } from '../../components/button.tsx';
import { inputClass } from '../../components/field.tsx';
import { errorMessage } from '../../components/states.tsx';
import type { Permission } from '../access/capabilities.ts';

/** Sends a prompt to the running session; Ctrl/⌘+Enter sends. */
export function PromptBox({
  project,
  session,
  permission,
  active,
}: {
  project: string;
  session: string;
  permission: Permission;
  active: boolean;
}) {
  const id = useId();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string>();
  const reason = !permission.allowed
    ? permission.reason
    : !active
      ? 'The session has ended; prompts go only to a running session.'
      : undefined;

  const send = async (event?: FormEvent) => {
    event?.preventDefault();
    const value = text.trim();
    if (!value || reason) return;
    setSending(true);
    setError(undefined);
    try {
      await messagesApi.send(project, session, { type: 'prompt', payload: { text: value } });
      setText('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSending(false);
    }
  };
  const onKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) void send();
  };

  return (
    <form onSubmit={send} className="space-y-2">
      <label htmlFor={id} className="sr-only">
        Prompt for the agent
      </label>
      <div className="flex items-end gap-2">
        <textarea
          id={id}
          rows={2}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKey}
          disabled={Boolean(reason) || sending}
          placeholder={reason ? undefined : 'Send a prompt to the agent (Ctrl+Enter)'}
          aria-describedby={reason ? `${id}-reason` : error ? `${id}-error` : undefined}
          className={`${inputClass(Boolean(error))} resize-y`}
        />
        <Button type="submit" variant="primary" busy={sending} disabled={Boolean(reason) || !text.trim()}>
          Send
        </Button>
      </div>
      {reason && <DisabledReason id={`${id}-reason`}>{reason}</DisabledReason>}
      <div aria-live="polite">
        {error && (
          <p id={`${id}-error`} className="text-sm text-red-700">
            {error}
          </p>
        )}
      </div>
    </form>
  );
}
