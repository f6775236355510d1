import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryPhraseCache } from './memory.js';
import type { CachedPhrase } from './types.js';

function phrase(frameBytes: number, fill: number): CachedPhrase {
  return { frames: [new Uint8Array(frameBytes).fill(fill)], words: [], durationMs: 20 };
}

void describe('MemoryPhraseCache', () => {
  void test('round-trips binary values', async () => {
    const cache = new MemoryPhraseCache({ maxBytes: 1 << 20 });
    const value: CachedPhrase = {
      frames: [Uint8Array.from([0, 1, 2, 255]), new Uint8Array(0), Uint8Array.from([128])],
      words: [{ word: 'ça', startMs: 1.5, endMs: 9 }],
      durationMs: 10,
    };
    await cache.set('k', value);
    const got = await cache.get('k');
    assert.ok(got);
    assert.deepEqual(
      got.frames.map((f) => Array.from(f)),
      [[0, 1, 2, 255], [], [128]],
    );
    assert.deepEqual(got.words, value.words);
    assert.equal(got.durationMs, 10);
    assert.equal(await cache.get('other'), undefined);
    assert.deepEqual({ ...cache.stats }, { hits: 1, misses: 1, errors: 0 });
    await cache.close();
  });

  void test('stores a copy: later writes to the producer buffers do not alter cached frames', async () => {
    const cache = new MemoryPhraseCache({ maxBytes: 1 << 20 });
    const pooled = Buffer.alloc(64, 7);
    await cache.set('k', { frames: [pooled.subarray(8, 16)], words: [], durationMs: 1 });
    pooled.fill(0);
    const got = await cache.get('k');
    assert.deepEqual(Array.from(got?.frames[0] ?? []), [7, 7, 7, 7, 7, 7, 7, 7]);
    await cache.close();
  });

  void test('evicts least recently used entries to stay under the byte cap', async () => {
    const probe = new MemoryPhraseCache({ maxBytes: 1 << 20 });
    await probe.set('a', phrase(1000, 1));
    const entryBytes = probe.sizeBytes;
    assert.ok(entryBytes >= 1000, 'frame bytes are accounted');
    await probe.close();

    const cap = Math.floor(entryBytes * 3.5); // room for three entries, not four
    const cache = new MemoryPhraseCache({ maxBytes: cap });
    await cache.set('a', phrase(1000, 1));
    await cache.set('b', phrase(1000, 2));
    await cache.set('c', phrase(1000, 3));
    assert.equal(cache.size, 3);
    assert.ok(cache.sizeBytes <= cap);

    assert.ok(await cache.get('a')); // a becomes most recently used; b is now the oldest
    await cache.set('d', phrase(1000, 4));

    assert.equal(await cache.get('b'), undefined);
    assert.equal((await cache.get('a'))?.frames[0]?.[0], 1);
    assert.equal((await cache.get('c'))?.frames[0]?.[0], 3);
    assert.equal((await cache.get('d'))?.frames[0]?.[0], 4);
    assert.ok(cache.sizeBytes <= cap);

    // One big entry pushes out as many as needed.
    await cache.set('big', phrase(Math.floor(entryBytes * 2.8), 9));
    assert.equal(cache.size, 1);
    assert.equal((await cache.get('big'))?.frames[0]?.[0], 9);
    await cache.close();
  });

  void test('skips values larger than the cap and replaces same-key values without leaking bytes', async () => {
    const cache = new MemoryPhraseCache({ maxBytes: 2000 });
    await cache.set('huge', phrase(5000, 1));
    assert.equal(await cache.get('huge'), undefined);
    assert.equal(cache.sizeBytes, 0);

    await cache.set('k', phrase(1000, 1));
    const once = cache.sizeBytes;
    await cache.set('k', phrase(1000, 2));
    assert.equal(cache.sizeBytes, once);
    assert.equal((await cache.get('k'))?.frames[0]?.[0], 2);
    await cache.close();
  });

  void test('an aborted get is a miss and hooks see hits and misses', async () => {
    const seen: string[] = [];
    const cache = new MemoryPhraseCache({
      maxBytes: 1 << 20,
      hooks: { onHit: (b) => seen.push(`hit:${b}`), onMiss: (b) => seen.push(`miss:${b}`) },
    });
    await cache.set('k', phrase(10, 1));
    const controller = new AbortController();
    controller.abort();
    assert.equal(await cache.get('k', controller.signal), undefined);
    assert.ok(await cache.get('k'));
    assert.deepEqual(seen, ['miss:memory', 'hit:memory']);
    await cache.close();
  });
});
