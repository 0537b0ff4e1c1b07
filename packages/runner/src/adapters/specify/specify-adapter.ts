import { access, lstat, mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { RunError } from '../../errors.ts';
import type { Adapter, AdapterContext, AdapterOutcome, Prompt } from '../adapter.ts';
import { ClaudeAdapter } from '../claude/claude-adapter.ts';
import { featureFolder } from './feature-folder.ts';
import { type FeatureFacts, featureNameFrom, featureSlugFrom, fillTemplate } from './fill-template.ts';

/** Document written → template it comes from, under the workspace's `.specify/templates/`. */
export const SPECIFY_DOCUMENTS = [
  ['spec.md', 'spec-template.md'],
  ['plan.md', 'plan-template.md'],
  ['tasks.md', 'tasks-template.md'],
] as const;

/**
 * Writes `specs/NNN-{feature}/spec.md`, `plan.md` and `tasks.md` (spec-kit's layout: the next free
 * number for a new feature) from the workspace's templates with the feature name and the description
 * filled in; documents that already exist are kept. With a model (RFE_SPECIFY_USE_CLAUDE=true, set by the
 * platform when the project has one) the Claude agent then writes them from the description; without
 * one the result says plainly that the documents are only the filled-in templates.
 */
export class SpecifyAdapter implements Adapter {
  readonly name = 'specify';
  #context!: AdapterContext;
  #facts!: FeatureFacts;
  #claude: ClaudeAdapter | undefined;
  #cancelled: string | undefined;

  async init(context: AdapterContext): Promise<void> {
    this.#context = context;
    const description = context.prompt.trim();
    const slug = context.settings.specify.feature ?? featureSlugFrom(description);
    if (!slug) {
      throw new RunError(
        'adapter_failed',
        'specify needs a feature (RFE_SPECIFY_FEATURE) or a description (RFE_PROMPT)',
      );
    }
    if (!/^[a-z0-9][a-z0-9-]*$/.test(slug)) {
      throw new RunError('adapter_failed', `RFE_SPECIFY_FEATURE "${slug}" must be a kebab-case folder name`);
    }
    const folder = await featureFolder(context.workspace.root, slug);
    this.#facts = {
      slug: folder,
      name: featureNameFrom(slug),
      description: description || featureNameFrom(slug),
      date: new Date().toISOString().slice(0, 10),
    };
    if (context.settings.specify.useClaude) {
      this.#claude = new ClaudeAdapter({ prompt: claudePrompt(this.#facts) });
      await this.#claude.init(context);
    }
  }

  async run(): Promise<AdapterOutcome> {
    const { workspace, report } = this.#context;
    const templates = join(workspace.root, '.specify', 'templates');
    const folder = join('specs', this.#facts.slug);
    const specs = join(workspace.root, 'specs');
    await mkdir(join(workspace.root, folder), { recursive: true });
    // The shell writes these itself: a link in the repository must not take its writes (or reads) elsewhere.
    await insideWorkTree(workspace.root, join(workspace.root, folder), folder);
    const written: string[] = [];
    for (const [document, template] of SPECIFY_DOCUMENTS) {
      const target = join(workspace.root, folder, document);
      if (await exists(target)) {
        report.log(`${folder}/${document} already exists; kept as it is`);
        continue;
      }
      const path = join(templates, template);
      const name = `.specify/templates/${template}`;
      if (await exists(path)) await insideWorkTree(workspace.root, path, name);
      const text = await readTemplate(path, name);
      // 'wx': never through a (dangling) link left in its place.
      await writeFile(target, fillTemplate(text, this.#facts), { flag: 'wx' });
      written.push(document);
    }
    // Written by the shell process: the agent (the claude step) must be able to change them.
    await this.#context.giveToAgent(specs);
    await this.#context.reportFileChanges();
    if (this.#cancelled !== undefined) throw new RunError('cancelled', this.#cancelled);
    const created = written.length > 0 ? `created ${written.join(', ')}` : 'kept the existing documents';
    if (!this.#claude) {
      const label = `Templates only — no model is configured for this project, so no agent wrote these documents: ${folder}/ holds the workspace's templates with the feature name and description filled in. An admin can set a model under Project settings → Model; run Specify again to have the agent write them.`;
      report.log(label, 'warn');
      return { summary: `Specify for "${this.#facts.name}": ${created} in ${folder}/.\n\n${label}` };
    }
    const agent = (await this.#claude.run()).summary;
    await this.#context.reportFileChanges();
    return {
      summary: `Specify for "${this.#facts.name}": the agent wrote ${folder}/ from the templates (${created}).\n\n${agent}`,
    };
  }

  input(prompt: Prompt): void {
    if (this.#claude) this.#claude.input(prompt);
    else prompt.dropped('Specify without a model takes no follow-up prompts; the prompt was ignored.');
  }

  async cancel(reason: string): Promise<void> {
    this.#cancelled = reason;
    await this.#claude?.cancel(reason);
  }

  async shutdown(): Promise<void> {
    await this.#claude?.shutdown();
  }
}

async function readTemplate(path: string, name: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new RunError(
      'templates_missing',
      `The workspace has no ${name}. Add the Specify templates under .specify/templates/ on the canonical branch (workspace creation bootstraps them).`,
    );
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () =>
      lstat(path).then(
        () => true, // a dangling link counts as there: it is kept, never written through
        () => false,
      ),
  );
}

/** `path` resolves (links followed) to a place inside the work tree. */
async function insideWorkTree(root: string, path: string, name: string): Promise<void> {
  const [realRoot, real] = await Promise.all([realpath(root), realpath(path)]);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) {
    throw new RunError(
      'workspace_invalid',
      `${name} is a link that leads outside the work tree; Specify does not follow it.`,
    );
  }
}

function claudePrompt(facts: FeatureFacts): string {
  return [
    `Write the planning documents for the feature "${facts.name}" in specs/${facts.slug}/, following spec-kit:`,
    'spec.md (what and why: user scenarios, functional requirements FR-001…, acceptance, open questions as [NEEDS CLARIFICATION: …]),',
    'plan.md (technical approach, the repositories under repos/ it touches, risks, verification; check it against .specify/memory/constitution.md)',
    'and tasks.md (small ordered tasks, one per line as `- [ ] T001 [P] description (repos/name)`, numbered T001, T002 …, [P] only where a task can run in parallel).',
    'Each file already holds its template: keep the structure, replace every placeholder and remove instructions meant for the author.',
    'Do not change files outside that folder.',
    '',
    'Feature description:',
    facts.description,
  ].join('\n');
}
