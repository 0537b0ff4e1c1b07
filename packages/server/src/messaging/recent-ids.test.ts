import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.ts';

describe('RecentIds', () => {
  it('keeps the last `capacity` ids with their seqs and forgets older ones in order', () => {
    const recent = new RecentIds(3);
    for (let seq = 1; seq <= 5; seq++) recent.remember(`id${seq}`, seq);
    expect(recent.size).toBe(3);
    expect([1, 2, 3, 4, 5].map((seq) => recent.get(`id${seq}`))).toEqual([undefined, undefined, 3, 4, 5]);
  });

  it('an id remembered again is kept for its newer seq when its older slot is evicted', () => {
    const recent = new RecentIds(2);
    recent.remember('a', 1);
    recent.remember('a', 2);
    recent.remember('b', 3); // evicts the slot of a=1, but a=2 is the live entry
    expect([recent.get('a'), recent.get('b')]).toEqual([2, 3]);
    recent.remember('c', 4); // evicts a=2
    expect([recent.get('a'), recent.get('b'), recent.get('c')]).toEqual([undefined, 3, 4]);
  });

  it('a long stream through the window keeps exactly the last 10,000 ids', () => {
    const recent = new RecentIds(10_000);
    for (let seq = 1; seq <= 1_000_000; seq++) recent.remember(`id-${seq}`, seq);
    expect(recent.size).toBe(10_000);
    expect(recent.get('id-990001')).toBe(990_001);
    expect(recent.get('id-990000')).toBeUndefined();
  });
});
