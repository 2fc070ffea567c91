import { strict as assert } from 'node:assert';
import { RESOURCE_GRAPH_BUCKET, ThrottleState, quotaResetMs } from '../../server/src/azure/throttling';

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

  it('holds Resource Graph until its quota resets, and paces it after a 429 only until the next answer', () => {
    let now = 0;
    const s = new ThrottleState(settings, () => now, () => 0);
    const graph = ThrottleState.bucketOf('https://management.azure.com/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01');
    assert.equal(graph, RESOURCE_GRAPH_BUCKET);
    assert.deepEqual(['00:00:03', '01:02:03.5', '3', undefined].map((v) => quotaResetMs(headers(v ? { 'x-ms-user-quota-resets-after': v } : {}))), [3000, 3_723_500, undefined, undefined]);
    s.observe(graph, headers({ 'x-ms-user-quota-remaining': '4', 'x-ms-user-quota-resets-after': '00:00:03' }));
    assert.equal(s.waitFor(graph), 0, 'quota left: no wait');
    s.observe(graph, headers({ 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:03' }));
    assert.equal(s.waitFor(graph), 3000);
    assert.equal(s.backOff(graph, 0, 3000), 3050, 'a 429 waits the reset (plus a little jitter), not the exponential back-off');
    now = 4000;
    s.observe(graph, headers({ 'x-ms-user-quota-remaining': '14', 'x-ms-user-quota-resets-after': '00:00:05' }));
    assert.equal(s.waitFor(graph), 0, 'after the reset and the next answer Resource Graph runs at full speed');
    s.backOff(graph, 0);
    now = 10_000;
    s.observe(graph, headers({}));
    assert.equal(s.waitFor(graph), 0, 'a 429 without quota headers holds it only until the next answer');
  });

  it('stops pacing a bucket after a 429 once an answer without remaining-reads headers comes back', () => {
    let now = 0;
    const s = new ThrottleState(settings, () => now, () => 1);
    s.backOff('a', 0);
    now = 10_000;
    assert.equal(s.waitFor('a'), 2000, 'the 429 left nothing remaining');
    s.observe('a', headers({}));
    assert.equal(s.waitFor('a'), 0, 'the answer to the retry said nothing of a low count');
    s.observe('b', headers({}));
    assert.equal(s.waitFor('b'), 0);
  });
});
