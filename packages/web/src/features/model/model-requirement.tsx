import { useEffect, useRef } from 'react';
import type { Adapter } from '../../api/sessions.ts';
import { Notice } from '../../components/notice.tsx';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { useModelSettings } from './use-model.ts';

/**
 * Picks `claude` as the dialog's adapter once the project's model settings say a model is configured,
 * unless the user already chose one; without a model the default stays as it is.
 */
export function usePreferClaudeWithModel(project: string, setAdapter: (a: Adapter) => void) {
  const model = useModelSettings(project);
  const decided = useRef(false);
  useEffect(() => {
    if (decided.current || !model.data) return;
    decided.current = true;
    if (model.data.configured) setAdapter('claude');
  }, [model.data, setAdapter]);
  return {
    /** Call when the user picks an adapter themselves: their choice wins. */
    chosen: () => {
      decided.current = true;
    },
  };
}

/** Under the adapter picker, for claude: what is missing when the project has no model, and where to set it. */
export function ModelRequirement({ project }: { project: string }) {
  const model = useModelSettings(project);
  if (!model.data || model.data.configured) return null;
  return (
    <Notice tone="warning" title="No model is configured for this project">
      The claude adapter needs a model provider: an admin sets the API key (or an Anthropic-compatible
      endpoint) under{' '}
      <Link to={`${paths.project(project, 'settings')}#model`} className="font-medium underline">
        Project settings → Model
      </Link>
      . Until then, use localexec.
    </Notice>
  );
}
