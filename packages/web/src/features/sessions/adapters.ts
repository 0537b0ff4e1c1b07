import type { Adapter } from '../../api/sessions.ts';

export interface AdapterGuide {
  label: string;
  /** What the adapter does with the prompt, in one sentence a person can act on. */
  description: string;
  /** A prompt that works as written (the dialog offers it with one click). */
  example: string;
  placeholder: string;
}

/** How each adapter reads its prompt, with an example that runs as written. */
export const adapterGuides: Record<Adapter, AdapterGuide> = {
  localexec: {
    label: 'localexec — run shell commands',
    description:
      'Runs the prompt as a shell script in the checkout: one shell command per line, in order, stopping at the first that fails. Plain English is not understood here.',
    example: [
      'echo "Dark mode: planned" >> README.md',
      'echo "export const darkMode = true;" >> repos/api/README.md',
      'git status --short',
    ].join('\n'),
    placeholder: 'One shell command per line, e.g. echo "hello" >> README.md',
  },
  claude: {
    label: 'claude — an AI agent',
    description:
      'An AI agent reads the prompt in plain English, edits files in the umbrella and its submodules, and summarises what it did. Needs a model configured for the project.',
    example:
      'Add a "Dark mode" section to README.md describing the toggle, and mention it in repos/api/README.md.',
    placeholder: 'Describe the change in plain English.',
  },
};

/** localexec first: it runs everywhere, without a model. */
export const adapterOrder: Adapter[] = ['localexec', 'claude'];
