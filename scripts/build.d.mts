export function bundle(entry: string, outfile: string): Promise<number>;
export function buildRunner(): Promise<number>;
export function buildCli(): Promise<number>;
export function webIsStale(): boolean;
