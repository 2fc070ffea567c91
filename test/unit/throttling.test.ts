import { strict as assert } from 'node:assert';
import { ThrottleState } from '../../server/src/azure/throttling';

describe('throttling state', () => {
  const settings = { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 5000, lowWatermark: 50, slowDelayMs: 2000 };
  const headers = (h: Record<string, string>) => (name: string) => h[name];

  it('buckets requests by subscription, the rest by tenant', () => {
    assert.equal(ThrottleState.bucketOf('https://management.azure.com/subscriptions/ABC/resourcegroups?api-version=1'), 'abc');
    assert.equal(ThrottleState.bucketOf('https://management.azure.com/subscriptions?api-version=1'), 'tenant');
  });

  it('paces a bucket only below the watermark, linearly, from the lowest remaining header', () => {
    const s = new ThrottleState(settings, () => 0);
    s.observe('a', headers({ 'x-ms-ratelimit-remaining-subscription-reads': '11999' }));
    assert.equal(s.waitFor('a'), 0);
    s.observe('a', headers({ 'x-ms-ratelimit-remaining-subscription-reads': '25' }));
    assert.equal(s.waitFor('a'), 1000);
    s.observe('a', headers({ 'x-ms-ratelimit-remaining-subscription-reads': '400', 'x-ms-ratelimit-remaining-resource': 'Microsoft.Compute/HighCostGet3Min;0,Microsoft.Compute/HighCostGet30Min;799' }));
    assert.equal(s.waitFor('a'), 2000);
    assert.equal(s.waitFor('b'), 0, 'other buckets are not held');
  });

  it('backs off exponentially with jitter, capped, and holds the whole bucket', () => {
    let now = 0;
    const s = new ThrottleState(settings, () => now, () => 1);
    assert.deepEqual([0, 1, 2, 3, 4].map((n) => s.backOff('a', n)), [1000, 2000, 4000, 5000, 5000]);
    const low = new ThrottleState(settings, () => now, () => 0);
    assert.equal(low.backOff('a', 1), 1000, 'jitter keeps at least half');
    now = 0;
    assert.ok(s.waitFor('a') >= 5000);
    now = 10_000;
    assert.equal(s.waitFor('a'), 2000, 'after the block, still paced: the 429 left nothing remaining');
  });
});
