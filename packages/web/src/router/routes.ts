/** Every page of the UI: its path pattern and the typed link builders the rest of the code uses. */

export type RouteName =
  | 'projects'
  | 'newProject'
  | 'project'
  | 'projectTab'
  | 'workspace'
  | 'workspaceBrowse'
  | 'session'
  | 'github'
  | 'signIn';

const patterns: [RouteName, string][] = [
  ['projects', '/'],
  ['signIn', '/sign-in'],
  ['github', '/github'],
  ['newProject', '/projects/new'],
  ['project', '/projects/:p'],
  ['workspaceBrowse', '/projects/:p/workspaces/:w/browse'],
  ['workspace', '/projects/:p/workspaces/:w'],
  ['session', '/projects/:p/sessions/:s'],
  ['projectTab', '/projects/:p/:tab'],
];

export interface Match {
  name: RouteName | 'notFound';
  params: Record<string, string>;
}

const compiled = patterns.map(([name, pattern]) => {
  const keys: string[] = [];
  const source = pattern.replace(/:([a-z]+)/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { name, keys, regex: new RegExp(`^${source}/?$`) };
});

export function matchRoute(pathname: string): Match {
  for (const route of compiled) {
    const found = route.regex.exec(pathname);
    if (!found) continue;
    const params: Record<string, string> = {};
    route.keys.forEach((key, i) => {
      params[key] = decodeURIComponent(found[i + 1] ?? '');
    });
    return { name: route.name, params };
  }
  return { name: 'notFound', params: {} };
}

const e = encodeURIComponent;

export type ProjectTab = 'workspaces' | 'sessions' | 'settings';

export const paths = {
  projects: () => '/',
  newProject: () => '/projects/new',
  project: (p: string, tab: ProjectTab = 'workspaces') => `/projects/${e(p)}/${tab}`,
  workspace: (p: string, w: string) => `/projects/${e(p)}/workspaces/${e(w)}`,
  browse: (p: string, w: string, at: { repo?: string; path?: string; ref?: string } = {}) => {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(at)) if (v) query.set(k, v);
    const text = query.toString();
    return `/projects/${e(p)}/workspaces/${e(w)}/browse${text ? `?${text}` : ''}`;
  },
  session: (p: string, s: string) => `/projects/${e(p)}/sessions/${e(s)}`,
  github: () => '/github',
  signIn: (next?: string) => (next && next !== '/' ? `/sign-in?next=${e(next)}` : '/sign-in'),
};
