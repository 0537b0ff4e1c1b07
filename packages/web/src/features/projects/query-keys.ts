export const projectsKey = ['projects'] as const;
export const projectKey = (p: string) => ['projects', p] as const;
