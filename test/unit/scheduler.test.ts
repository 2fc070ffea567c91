import { strict as assert } from 'node:assert';
import { Scheduler, type SchedulableConnection, parseSchedule } from '../../server/src/core/scheduler';
import { DEFAULT_SETTINGS, applySettings, type Schedule } from '../../server/src/core/settings';
import { FakeTimer } from '../daemon/fake-timer';

const H = 3_600_000;
const T0 = Date.parse('2026-03-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('scheduler', () => {
  it('parses off, daily and every-N-hours, and refuses anything else', () => {
    assert.deepEqual(parseSchedule('off'), { kind: 'off' });
    assert.equal((parseSchedule('daily') as { intervalMs: number }).intervalMs, 24 * H);
    assert.equal((parseSchedule(' Every-6-Hours ') as { intervalMs: number }).intervalMs, 6 * H);
    for (const bad of ['weekly', 'every-0-hours', 'every-25-hours', 'every-x-hours', '']) assert.throws(() => parseSchedule(bad), /not a schedule/);
    const warnings: string[] = [];
    assert.equal(applySettings(DEFAULT_SETTINGS, { sync: { schedule: 'every-2-hours' } }).schedule.kind, 'every');
    assert.deepEqual(applySettings(DEFAULT_SETTINGS, { sync: { schedule: 'hourly' } }, (m) => warnings.push(m)).schedule, DEFAULT_SETTINGS.schedule);
    assert.match(warnings[0], /rampart\.sync\.schedule/);
    assert.equal(DEFAULT_SETTINGS.schedule.kind === 'every' && DEFAULT_SETTINGS.schedule.intervalMs, 24 * H, 'daily by default');
  });

  function setUp(conns: SchedulableConnection[], schedule: Schedule = parseSchedule('daily'), random = () => 0) {
    let now = T0;
    const timer = new FakeTimer();
    const calls: string[] = [];
    const pending = new Map<string, () => void>();
    const state = { schedule };
    const s = new Scheduler({
      clock: { now: () => new Date(now) }, timer, log: quiet, random,
      connections: () => conns, schedule: () => state.schedule,
      sync: (id) => {
        calls.push(id);
        return new Promise<void>((done) => pending.set(id, () => {
          pending.delete(id);
          const c = conns.find((x) => x.id === id)!;
          c.lastRunAt = iso(now);
          done();
        }));
      },
    });
    return { s, timer, calls, pending, state, advance: (ms: number) => { now += ms; }, now: () => now };
  }
  const flush = () => new Promise((r) => setImmediate(r));

  it('runs a missed schedule at start, arms the timer for the next one with jitter, never two syncs of one connection at once', async () => {
    const conns: SchedulableConnection[] = [
      { id: 'missed', name: 'Missed', status: 'active', createdAt: iso(T0 - 10 * 24 * H), lastRunAt: iso(T0 - 30 * H) },
      { id: 'recent', name: 'Recent', status: 'active', createdAt: iso(T0 - 10 * 24 * H), lastRunAt: iso(T0 - 1 * H) },
      { id: 'creds', name: 'Creds', status: 'needs-credentials', createdAt: iso(T0 - 10 * 24 * H), lastRunAt: iso(T0 - 30 * H) },
      { id: 'gone', name: 'Gone', status: 'active', createdAt: iso(T0 - 10 * 24 * H), deletedAt: iso(T0 - H) },
    ];
    const t = setUp(conns, parseSchedule('daily'), () => 0.5);
    t.s.start();
    assert.deepEqual(t.calls, ['missed'], 'only the missed one runs at once; needs-credentials and revoked are left alone');
    // 'recent' is due 23 h from now plus 15 min of jitter (half of min(10% of a day, 30 min))
    assert.deepEqual(t.timer.armed, [23 * H + 15 * 60_000]);
    // The timer fires again while 'missed' still runs: it is not started twice.
    t.advance(23 * H + 20 * 60_000);
    t.timer.fire();
    assert.deepEqual(t.calls, ['missed', 'recent']);
    t.timer.fire();
    assert.deepEqual(t.calls, ['missed', 'recent']);
    t.pending.get('missed')!();
    t.pending.get('recent')!();
    await flush();
    // Both ran just now: the next is a day away, each with a new jitter.
    assert.equal(Math.min(...t.timer.armed), 24 * H + 15 * 60_000);
    assert.equal(t.calls.length, 2);
  });

  it('follows the schedule setting: off disarms, every-N-hours re-arms sooner', () => {
    const conns: SchedulableConnection[] = [{ id: 'a', name: 'A', status: 'active', createdAt: iso(T0), lastRunAt: iso(T0) }];
    const t = setUp(conns);
    t.s.start();
    assert.deepEqual(t.timer.armed, [24 * H]);
    t.state.schedule = parseSchedule('off');
    t.s.reschedule();
    assert.deepEqual(t.timer.armed, []);
    t.state.schedule = parseSchedule('every-6-hours');
    t.s.reschedule();
    assert.deepEqual(t.timer.armed, [6 * H]);
    t.s.stop();
    assert.deepEqual(t.timer.armed, []);
  });

  it('a failing sync is logged and the schedule goes on', async () => {
    const conns: SchedulableConnection[] = [{ id: 'a', name: 'A', status: 'error', createdAt: iso(T0 - 2 * 24 * H) }];
    const warnings: string[] = [];
    const timer = new FakeTimer();
    const s = new Scheduler({
      clock: { now: () => new Date(T0) }, timer, log: { ...quiet, warn: (m) => warnings.push(m) }, random: () => 0,
      connections: () => conns, schedule: () => parseSchedule('every-1-hours'),
      sync: async () => { conns[0].lastRunAt = iso(T0); throw new Error('boom'); },
    });
    s.start();
    await flush();
    assert.match(warnings[0], /scheduled sync of 'A' could not run: boom/);
    assert.deepEqual(timer.armed, [H]);
  });
});
