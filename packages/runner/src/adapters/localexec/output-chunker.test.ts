import { describe, expect, it } from 'vitest';
import { OutputChunker, type StreamName } from './output-chunker.ts';

function collect() {
  const chunks: [StreamName, string][] = [];
  const chunker = new OutputChunker((stream, chunk) => chunks.push([stream, chunk]), {
    maxChars: 8,
    flushMs: 1000,
  });
  return { chunks, chunker };
}

describe('command output chunks', () => {
  it('keep the order of stdout and stderr and join what comes in between', () => {
    const { chunks, chunker } = collect();
    chunker.push('stdout', Buffer.from('a'));
    chunker.push('stdout', Buffer.from('b'));
    chunker.push('stderr', Buffer.from('E'));
    chunker.push('stdout', Buffer.from('c'));
    chunker.end();
    expect(chunks).toEqual([
      ['stdout', 'ab'],
      ['stderr', 'E'],
      ['stdout', 'c'],
    ]);
  });

  it('are cut at the size limit and never split a character', () => {
    const { chunks, chunker } = collect();
    const text = Buffer.from('0123456789✓');
    chunker.push('stdout', text.subarray(0, 11)); // ends inside the three bytes of ✓
    chunker.push('stdout', text.subarray(11));
    chunker.end();
    expect(chunks).toEqual([
      ['stdout', '01234567'],
      ['stdout', '89✓'],
    ]);
  });
});
