import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../../src/provisioning/min-heap.js';

const byNumber = (a: number, b: number) => a - b;

const drain = <T>(heap: MinHeap<T>): T[] => {
  const out: T[] = [];
  while (heap.size > 0) out.push(heap.pop() as T);
  return out;
};

/** A small deterministic generator, so a failure can be replayed. */
function seededRandom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('MinHeap', () => {
  it.each([1, 2, 3, 7, 100, 5_000])('pops %i random numbers in sorted order', (count) => {
    const random = seededRandom(count);
    const values = Array.from({ length: count }, () => Math.floor(random() * 1_000));
    const heap = new MinHeap(byNumber);
    for (const value of values) heap.push(value);
    expect(heap.size).toBe(count);
    expect(drain(heap)).toEqual([...values].sort(byNumber));
  });

  it('stays ordered when pushes and pops interleave', () => {
    const random = seededRandom(42);
    const heap = new MinHeap(byNumber);
    const model: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      if (random() < 0.6 || model.length === 0) {
        const value = Math.floor(random() * 100);
        heap.push(value);
        model.push(value);
        model.sort(byNumber);
      } else {
        expect(heap.pop()).toBe(model.shift());
      }
      expect(heap.size).toBe(model.length);
      expect(heap.peek()).toBe(model[0]);
    }
  });

  it('breaks ties by the comparator', () => {
    const random = seededRandom(7);
    const entries = Array.from({ length: 500 }, (_, seq) => ({
      at: Math.floor(random() * 10),
      seq,
    }));
    const compare = (a: { at: number; seq: number }, b: { at: number; seq: number }) =>
      a.at - b.at || a.seq - b.seq;
    const heap = new MinHeap(compare);
    for (const entry of [...entries].reverse()) heap.push(entry);
    expect(drain(heap)).toEqual([...entries].sort(compare));
  });

  it('orders by the comparator it was given (a max-heap with a reversed one)', () => {
    const heap = new MinHeap<number>((a, b) => b - a);
    for (const value of [3, 9, 1, 7, 5]) heap.push(value);
    expect(drain(heap)).toEqual([9, 7, 5, 3, 1]);
  });

  it('peeks at the smallest item without removing it', () => {
    const heap = new MinHeap(byNumber);
    for (const value of [5, 2, 8]) heap.push(value);
    expect(heap.peek()).toBe(2);
    expect(heap.peek()).toBe(2);
    expect(heap.size).toBe(3);
    expect(heap.pop()).toBe(2);
    expect(heap.peek()).toBe(5);
    expect(heap.size).toBe(2);
  });

  it('answers undefined and size 0 when empty, and again once drained', () => {
    const heap = new MinHeap(byNumber);
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBe(undefined);
    expect(heap.pop()).toBe(undefined);
    heap.push(1);
    expect(heap.pop()).toBe(1);
    expect(heap.pop()).toBe(undefined);
    expect(heap.peek()).toBe(undefined);
    expect(heap.size).toBe(0);
    heap.push(4);
    expect(heap.peek()).toBe(4);
  });

  it('keeps falsy items', () => {
    const heap = new MinHeap(byNumber);
    for (const value of [0, -1, 0]) heap.push(value);
    expect(drain(heap)).toEqual([-1, 0, 0]);
  });
});
