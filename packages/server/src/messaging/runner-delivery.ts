import { INPUT_MESSAGE_TYPES } from '@rfe/protocol';
import type { ObjectStore } from '../storage/index.ts';
import { getWithRetry, putReplacing, type WritePolicy } from './log/durable-write.ts';
import { DELIVERY_KEY } from './log/layout.ts';
import type { MessageLog } from './log/message-log.ts';
import type { LogLine } from './log/read-range.ts';

const INPUT_TYPES: ReadonlySet<string> = new Set(INPUT_MESSAGE_TYPES);

export function isInputType(type: string): boolean {
  return INPUT_TYPES.has(type);
}

interface DeliveryFile {
  /** Every input with seq ≤ this has been acknowledged by the runner (cumulative). */
  runnerAckedSeq: number;
  updatedAt: string;
}

/**
 * Input for the runner (prompt, cancel) that it has not acknowledged yet. Inputs are in the log like any
 * message; this tracks which of them the runner still has to confirm, so every runner connection gets
 * them again until it does. The cumulative ack is stored in `delivery.json`.
 */
export class RunnerDelivery {
  readonly #pending = new Map<number, string>();
  #ackedSeq: number;
  #writing: Promise<void> = Promise.resolve();
  #dirty = false;

  private constructor(
    private readonly store: ObjectStore,
    private readonly policy: WritePolicy,
    ackedSeq: number,
  ) {
    this.#ackedSeq = ackedSeq;
  }

  /**
   * Loads the ack and the inputs after it: those the index lists plus those in `tail` (messages newer
   * than the index), each read from the log by seq.
   */
  static async load(
    store: ObjectStore,
    policy: WritePolicy,
    log: MessageLog,
    indexedInputs: number[],
    tail: LogLine[],
  ): Promise<RunnerDelivery> {
    const bytes = await getWithRetry(store, DELIVERY_KEY, policy);
    const file = bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as DeliveryFile) : null;
    const delivery = new RunnerDelivery(store, policy, file?.runnerAckedSeq ?? 0);
    const inputs = new Map<number, string>();
    for (const seq of indexedInputs) {
      if (seq <= delivery.#ackedSeq) continue;
      const [found] = await log.readPage(seq - 1, 1);
      if (found) inputs.set(found.seq, found.line);
    }
    for (const { seq, line } of tail) {
      if (seq > delivery.#ackedSeq && isInputType((JSON.parse(line) as { type: string }).type))
        inputs.set(seq, line);
    }
    for (const seq of [...inputs.keys()].sort((a, b) => a - b)) delivery.#pending.set(seq, inputs.get(seq)!);
    return delivery;
  }

  get ackedSeq(): number {
    return this.#ackedSeq;
  }

  add(seq: number, line: string): void {
    if (seq > this.#ackedSeq) this.#pending.set(seq, line);
  }

  /** Unacknowledged inputs in seq order. */
  pending(): LogLine[] {
    return [...this.#pending].map(([seq, line]) => ({ seq, line }));
  }

  pendingSeqs(): number[] {
    return [...this.#pending.keys()];
  }

  /** The runner handled every input up to `seq`. Stored before it counts for a restart. */
  ack(seq: number): Promise<void> {
    if (seq <= this.#ackedSeq) return this.#writing;
    this.#ackedSeq = seq;
    for (const s of this.#pending.keys()) if (s <= seq) this.#pending.delete(s);
    return this.#persist();
  }

  #persist(): Promise<void> {
    if (this.#dirty) return this.#writing;
    this.#dirty = true;
    this.#writing = this.#writing
      .catch(() => {})
      .then(() => {
        this.#dirty = false;
        const file: DeliveryFile = { runnerAckedSeq: this.#ackedSeq, updatedAt: new Date().toISOString() };
        return putReplacing(this.store, DELIVERY_KEY, JSON.stringify(file), this.policy);
      });
    return this.#writing;
  }
}
