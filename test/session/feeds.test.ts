import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { add, mul, placeholder, Session, sum, toFlat } from '../../src/index.js';
import { matchFeeds, type FeedList } from '../../src/session/feeds.js';
import { inputShape, nestedShape } from '../../src/graph/tensor.js';

describe('the feed matcher', () => {
  it('rejects a feed name that only an earlier, unrelated graph used, on the first run and on a repeated one', () => {
    placeholder('elsewhere', [2]);
    const x = placeholder('xm', [2]);
    const y = mul(x, 3);
    const s = new Session();
    expect(toFlat(s.run(y, { xm: [1, 2] }))).toEqual([3, 6]);
    expect(() => s.run(y, { xm: [1, 2], elsewhere: [0, 0] })).toThrow("unknown feed key 'elsewhere': no placeholder has that name");
    expect(() => new Session().run(y, { xm: [1, 2], elsewhere: [0, 0] })).toThrow("unknown feed key 'elsewhere'");
  });

  it('checking mode resolves names among the fetches own placeholders; fast mode agrees on the same feeds', () => {
    const a = placeholder('fa', [null]);
    const b = placeholder('fb', [2]);
    const byName = (n: string) => ({ fa: [a], fb: [b] })[n];
    const fed = matchFeeds({ fa: [1, 2, 3], fb: ndarray(new Float32Array([4, 5])) }, byName);
    expect([...fed.keys()]).toEqual([a, b]);
    expect(fed.get(a)!.shape).toEqual([3]);
    const bufA = ndarray(new Float32Array(3), [3]), bufB = ndarray(new Float32Array(2), [2]);
    const list: FeedList = { nodes: [a, b], shapes: [[3], [2]], buffers: [bufA, bufB], wheres: ['a', 'b'] };
    expect(matchFeeds({ fa: [7, 8, 9], fb: ndarray(new Float32Array([1, 2])) }, byName, list)).toBe(true);
    expect([...bufA.data, ...bufB.data]).toEqual([7, 8, 9, 1, 2]);
    // what checking mode would throw on, fast mode answers false for
    expect(matchFeeds({ fa: [1, 2, 3], fb: [1, 2], fc: 1 }, byName, list)).toBe(false);
    expect(matchFeeds({ fa: [1, 2], fb: [1, 2] }, byName, list)).toBe(false);
    expect(matchFeeds({ fb: [1, 2], fa: [1, 2, 3] }, byName, list)).toBe(false);
    expect(matchFeeds({ fa: [[1], [2], [3]] as never, fb: [1, 2] }, byName, list)).toBe(false);
    expect(() => matchFeeds({ fa: [1], fc: 1 }, byName)).toThrow("unknown feed key 'fc'");
  });

  it('sends a feed that fast mode rejects to checking mode, which names the placeholder', () => {
    const x = placeholder('xr', [2]);
    const y = sum(add(x, 1));
    const s = new Session();
    expect(toFlat(s.run(y, { xr: [1, 2] }))).toEqual([5]);
    expect(() => s.run(y, { xr: [1, 2, 3] })).toThrow("feed for placeholder 'xr': shape [3] does not match [2]");
    expect(() => s.run(y, { xr: ['a', 'b'] as never })).toThrow("feed for placeholder 'xr': expected numbers, found string");
    expect(toFlat(s.run(y, { xr: [2, 2] }))).toEqual([6]);
  });
});

describe('nestedShape, the one reader of nested-array shapes', () => {
  it('reads along the first elements, stops at an empty axis, and wants numbers inside', () => {
    expect(nestedShape([[1, 2, 3], [4, 5, 6]], 'v')).toEqual([2, 3]);
    expect(nestedShape(7, 'v')).toEqual([]);
    expect(nestedShape([[], []], 'v')).toEqual([2, 0]);
    expect(() => nestedShape([[null]] as never, 'feed x')).toThrow('feed x: expected numbers, found null');
    expect(inputShape([[1], [2]])).toEqual([2, 1]);
  });
});
