export function buildRunner(): Promise<number>;
export function webIsStale(): boolean;
