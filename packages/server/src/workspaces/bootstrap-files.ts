/**
 * The structure every workspace's canonical branch gets when it lacks it. The texts are RFE Workbench's
 * own; the `specify` runner adapter fills the three `.specify/templates/` files for each feature.
 */
export const bootstrapFiles: Record<string, string> = {
  '.claude/commands/specify.md': `# /specify

Turn the feature description given after the command into \`specs/{feature}/spec.md\`, following
\`.specify/templates/spec-template.md\`. Describe what users need and why; leave implementation out.
Mark every open question as \`[NEEDS CLARIFICATION: question]\` instead of guessing.
`,
  '.claude/commands/plan.md': `# /plan

Read \`specs/{feature}/spec.md\` and write \`specs/{feature}/plan.md\` from \`.specify/templates/plan-template.md\`:
the technical approach, the components under \`repos/\` it touches, data and interface changes, risks, and how
each requirement will be verified. Check it against \`.specify/memory/constitution.md\`.
`,
  '.claude/commands/tasks.md': `# /tasks

Break \`specs/{feature}/plan.md\` into \`specs/{feature}/tasks.md\` using \`.specify/templates/tasks-template.md\`:
small, ordered, testable tasks, each naming the repository under \`repos/\` it changes. Mark tasks that can run
in parallel with [P].
`,
  '.specify/templates/spec-template.md': `# Feature: {{name}}

## Summary
{{description}}

## Users and their needs
- Who is affected, and what they need to be able to do.

## Requirements
- FR-001: …

## Acceptance
- Given … when … then …

## Open questions
- [NEEDS CLARIFICATION: …]
`,
  '.specify/templates/plan-template.md': `# Plan: {{name}}

## Approach
How the requirements in spec.md will be met.

## Components touched
| repository | change |
|---|---|

## Risks and mitigations

## Verification
How each requirement is shown to hold.
`,
  '.specify/templates/tasks-template.md': `# Tasks: {{name}}

Conventions: [P] = can run in parallel. Each task names its repository.

- [ ] T001 …
`,
  '.specify/memory/constitution.md': `# Constitution

Principles every spec, plan and change in this workspace follows.

1. Specs describe user outcomes; plans describe how. Keep them separate.
2. Every requirement has an acceptance test.
3. Changes to a component repository go through a pull request to that repository.
4. Open questions are written down, never guessed.
`,
  'repos/README.md': `# Component repositories

Each directory here is a git submodule pinned to a commit of a component repository. Sessions push a branch
per changed component to your fork and open one pull request per repository.
`,
  'specs/README.md': `# Specs

One folder per feature, \`specs/{feature}/\`, holding \`spec.md\`, \`plan.md\` and \`tasks.md\`. They are written by
Specify runs and refined in sessions; the canonical branch of this workspace is their home.
`,
};

export const structureDirs = ['.claude/', '.specify/', 'specs/', 'repos/'];

/** `.gitmodules` text for submodules at `repos/{name}`. */
export function gitmodulesText(modules: { path: string; url: string; branch?: string | null }[]): string {
  return modules
    .map(
      (m) =>
        `[submodule "${m.path}"]\n\tpath = ${m.path}\n\turl = ${m.url}\n${m.branch ? `\tbranch = ${m.branch}\n` : ''}`,
    )
    .join('');
}

/** Parses `.gitmodules` into path → url (enough to know what is already registered). */
export function parseGitmodules(text: string): Map<string, { url: string; branch?: string }> {
  const out = new Map<string, { url: string; branch?: string }>();
  let current: { path?: string; url?: string; branch?: string } = {};
  const flush = () => {
    if (current.path && current.url) out.set(current.path, { url: current.url, branch: current.branch });
    current = {};
  };
  for (const line of text.split('\n')) {
    if (/^\s*\[submodule /.test(line)) flush();
    const kv = /^\s*(path|url|branch)\s*=\s*(.+?)\s*$/.exec(line);
    if (kv) current[kv[1] as 'path' | 'url' | 'branch'] = kv[2];
  }
  flush();
  return out;
}
