/**
 * Re-adoption after a server crash: SESSIONS running sessions (process launcher, localexec printing
 * numbered lines the whole time, until the bench opens their gate), the server SIGKILLed mid-stream,
 * restarted at once. Measured from the
 * restart: the server listening, every runner reconnected (rfe_messaging_connected_runners), every session
 * with a message stored after the restart; then, once all end, lost and duplicated lines over every log.
 * Run: SESSIONS=20 ROUNDS=3 node --import tsx bench/sessions/readoption.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Message, startCrashWorld } from '../../packages/server/test/support/sessions/crash-world.ts';

const SESSIONS = Number(process.env.SESSIONS ?? 20);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const lines = (log: Message[]) =>
  log
    .filter((m) => m.type === 'command_output')
    .map((m) => String(m.payload.chunk))
    .join('')
    .split('\n')
    .filter(Boolean);

async function connectedRunners(port: number): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
    (r) => r.text(),
    () => '',
  );
  const line = text.split('\n').find((l) => l.startsWith('rfe_messaging_connected_runners '));
  return line ? Number(line.split(' ')[1]) : 0;
}

const world = await startCrashWorld({ SESSION_RECONCILE_SECONDS: '5' });
await world.start();
const results: {
  listening: number;
  reconnected: number;
  flowing: number;
  lost: number;
  duplicated: number;
}[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // About 100 lines a second each, through the crash and after it, until the gate file appears.
  const gates = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-gate-'));
  fs.chmodSync(gates, 0o755); // the agent's own uid (the server runs as root) must see the gate file
  const gate = path.join(gates, 'open');
  const script = `i=1; while [ ! -f ${gate} ]; do echo "line $i"; i=$((i + 1)); [ $((i % 10)) -eq 0 ] && sleep 0.1; done; true`;
  const ids: string[] = [];
  for (let k = 0; k < SESSIONS; k++)
    ids.push(await world.startSession(`${script}\necho r${round}-${k} >> README.md`));
  await world.until(
    `${SESSIONS} runners connected`,
    async () => (await connectedRunners(world.port)) >= SESSIONS,
    120_000,
  );
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const before = new Map<string, number>();
  for (const id of ids) before.set(id, (await world.messages(id)).at(-1)?.seq ?? 0);
  await world.kill();
  const restarted = performance.now();
  await world.start();
  const listening = performance.now() - restarted;
  let reconnected = Number.NaN;
  let flowing = Number.NaN;
  const waiting = new Set(ids);
  while (Number.isNaN(reconnected) || waiting.size > 0) {
    if (Number.isNaN(reconnected) && (await connectedRunners(world.port)) >= SESSIONS)
      reconnected = performance.now() - restarted;
    for (const id of [...waiting]) {
      const page = await world.api(
        'GET',
        `/api/projects/acme/sessions/${id}/messages?after=${before.get(id)}&limit=1`,
      );
      if (page.status === 200 && page.json.items.length > 0) waiting.delete(id);
    }
    if (waiting.size === 0 && Number.isNaN(flowing)) flowing = performance.now() - restarted;
    if (performance.now() - restarted > 120_000) throw new Error('sessions not re-adopted within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  fs.writeFileSync(gate, '');
  let lost = 0;
  let duplicated = 0;
  for (const id of ids) {
    const s = await world.finished(id, 180_000);
    if (s.status !== 'succeeded') throw new Error(`session ${id} ended ${s.status}: ${s.error}`);
    const got = lines(await world.messages(id));
    const seen = new Set(got);
    duplicated += got.length - seen.size;
    const last = Math.max(...got.map((l) => Number(l.slice(5))));
    for (let i = 1; i <= last; i++) if (!seen.has(`line ${i}`)) lost++;
  }
  results.push({ listening, reconnected, flowing, lost, duplicated });
  console.error(
    `round ${round}: listening ${listening.toFixed(0)} ms, all runners reconnected ${reconnected.toFixed(0)} ms, all sessions storing ${flowing.toFixed(0)} ms; lost ${lost}, duplicated ${duplicated}`,
  );
}
await world.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `Machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}, Node ${process.version}; 1-minute load ${os.loadavg()[0].toFixed(1)} at the end`,
);
console.log(
  `Command: SESSIONS=${SESSIONS} ROUNDS=${ROUNDS} node --import tsx bench/sessions/readoption.ts\n`,
);
console.log(
  '| round | server listening | every runner reconnected | every session storing again | lines lost | duplicated |',
);
console.log('|---|---|---|---|---|---|');
for (const [k, r] of results.entries())
  console.log(
    `| ${k} | ${r.listening.toFixed(0)} ms | ${r.reconnected.toFixed(0)} ms | ${r.flowing.toFixed(0)} ms | ${r.lost} | ${r.duplicated} |`,
  );
console.log(
  `| median | ${median(results.map((r) => r.listening)).toFixed(0)} ms | ${median(results.map((r) => r.reconnected)).toFixed(0)} ms | ${median(results.map((r) => r.flowing)).toFixed(0)} ms | ${results.reduce((a, r) => a + r.lost, 0)} (all) | ${results.reduce((a, r) => a + r.duplicated, 0)} (all) |`,
);
process.exit(0);
