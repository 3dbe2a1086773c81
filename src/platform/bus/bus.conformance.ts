// One behaviour for every Bus implementation: this suite runs against each of them
// (local-bus.test.ts, nats-bus.test.ts), so code written against the in-process bus behaves the
// same when the control plane and agents talk over NATS.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { BusTimeoutError, NoRespondersError, RemoteError, type Bus } from './bus.js';

/**
 * The two ends of a test: `caller` calls, casts and fans out; `server` serves and listens. They may
 * be one object (the in-process bus) or two connections to one broker (NATS).
 */
export interface BusPair {
  caller: Bus;
  server: Bus;
}

const EVENTUALLY_MS = 2_000;

/** Polls `check` until it is true; fails after a bounded wait. */
async function eventually(check: () => boolean, what: string, ms = EVENTUALLY_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

class BoomError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoomError';
  }
}

export function busConformance(name: string, makeBus: () => Promise<BusPair>): void {
  describe(`${name} (bus conformance)`, () => {
    let caller: Bus;
    let server: Bus;
    // Each test uses its own topics, so a message left over from one test cannot reach another.
    let prefix: string;
    const topic = (t: string) => `${prefix}.${t}`;

    beforeEach(async () => {
      ({ caller, server } = await makeBus());
      prefix = `t${randomUUID().slice(0, 8)}`;
    });

    afterEach(async () => {
      await caller.close();
      if (server !== caller) await server.close();
    });

    /**
     * Waits until everything the caller sent before now has been delivered to the server side: a
     * fanout travels behind earlier messages, so once it arrives the earlier ones have too. This
     * lets a test assert that something did NOT happen without sleeping and hoping.
     */
    async function settle(): Promise<void> {
      let arrived = false;
      const sub = await server.listen(topic('barrier'), () => { arrived = true; });
      await caller.fanout(topic('barrier'), 'barrier');
      await eventually(() => arrived, 'the barrier message');
      await sub.unsubscribe();
    }

    describe('call', () => {
      it('returns the result of the handler', async () => {
        await server.serve(topic('svc'), (method, args) => ({ method, args, sum: args.a + args.b }));
        const res = await caller.call<{ method: string; args: unknown; sum: number }>(
          topic('svc'), 'add', { a: 2, b: 3 },
        );
        assert.deepEqual(res, { method: 'add', args: { a: 2, b: 3 }, sum: 5 });
      });

      it('awaits an async handler', async () => {
        await server.serve(topic('svc'), async (_m, args: { n: number }) => {
          await new Promise((r) => setTimeout(r, 10));
          return args.n * 2;
        });
        assert.equal(await caller.call<number>(topic('svc'), 'double', { n: 21 }), 42);
      });

      it('gives null for a handler that returns nothing, and passes missing args as null', async () => {
        let seen: unknown = 'unset';
        await server.serve(topic('svc'), (_m, args) => { seen = args; });
        assert.equal(await caller.call(topic('svc'), 'noop'), null);
        assert.equal(seen, null);
      });

      it('rejects with RemoteError carrying the name and message of what the handler threw', async () => {
        await server.serve(topic('svc'), (method) => {
          if (method === 'sync') throw new BoomError('it broke');
          return Promise.reject(new TypeError('async broke'));
        });
        await assert.rejects(caller.call(topic('svc'), 'sync', {}), (err: unknown) => {
          assert.ok(err instanceof RemoteError, `expected RemoteError, got ${String(err)}`);
          assert.equal(err.remoteName, 'BoomError');
          assert.equal(err.message, 'it broke');
          return true;
        });
        await assert.rejects(caller.call(topic('svc'), 'async', {}), (err: unknown) => {
          assert.ok(err instanceof RemoteError, `expected RemoteError, got ${String(err)}`);
          assert.equal(err.remoteName, 'TypeError');
          assert.equal(err.message, 'async broke');
          return true;
        });
      });

      it('keeps serving after a handler threw', async () => {
        await server.serve(topic('svc'), (method) => {
          if (method === 'fail') throw new Error('no');
          return 'fine';
        });
        await assert.rejects(caller.call(topic('svc'), 'fail'), RemoteError);
        assert.equal(await caller.call(topic('svc'), 'ok'), 'fine');
      });

      it('rejects with BusTimeoutError when the handler never answers', async () => {
        let called = false;
        await server.serve(topic('svc'), () => {
          called = true;
          return new Promise(() => {}); // never settles
        });
        await assert.rejects(caller.call(topic('svc'), 'hang', {}, { timeoutMs: 100 }), (err: unknown) => {
          assert.ok(err instanceof BusTimeoutError, `expected BusTimeoutError, got ${String(err)}`);
          assert.match(err.message, /hang/);
          return true;
        });
        assert.ok(called, 'the handler should have received the call');
      });

      it('rejects with NoRespondersError when nobody serves the topic', async () => {
        await assert.rejects(caller.call(topic('nobody'), 'm', {}, { timeoutMs: 5_000 }), (err: unknown) => {
          assert.ok(err instanceof NoRespondersError, `expected NoRespondersError, got ${String(err)}`);
          return true;
        });
      });

      it('is shared between the servers of a topic: each gets some of the calls', async () => {
        const counts = [0, 0];
        await server.serve(topic('svc'), () => { counts[0]!++; return 0; });
        await server.serve(topic('svc'), () => { counts[1]!++; return 1; });
        // Each call goes to exactly one server. Which one may be random (NATS queue groups), so
        // keep calling until both have had some; 10 calls nearly always do, 200 always do.
        let calls = 0;
        while (calls < 10 || ((counts[0] === 0 || counts[1] === 0) && calls < 200)) {
          const who = await caller.call<number>(topic('svc'), 'who');
          calls++;
          assert.equal(counts[0]! + counts[1]!, calls, 'each call reaches exactly one server');
          assert.ok(who === 0 || who === 1);
        }
        assert.ok(counts[0]! > 0 && counts[1]! > 0, `calls were not shared: ${counts.join('/')}`);
      });
    });

    describe('cast', () => {
      it('delivers each message to exactly one of the servers of a topic', async () => {
        const got: Array<Array<number>> = [[], []];
        await server.serve(topic('svc'), (_m, args: { i: number }) => { got[0]!.push(args.i); });
        await server.serve(topic('svc'), (_m, args: { i: number }) => { got[1]!.push(args.i); });
        for (let i = 0; i < 10; i++) await caller.cast(topic('svc'), 'work', { i });
        await eventually(() => got[0]!.length + got[1]!.length >= 10, 'all 10 casts');
        await settle();
        const all = [...got[0]!, ...got[1]!].sort((a, b) => a - b);
        assert.deepEqual(all, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'every cast delivered once, none twice');
      });

      it('passes method and args', async () => {
        let seen: unknown;
        await server.serve(topic('svc'), (method, args) => { seen = { method, args }; });
        await caller.cast(topic('svc'), 'reboot', { id: 'x', hard: true });
        await eventually(() => seen !== undefined, 'the cast');
        assert.deepEqual(seen, { method: 'reboot', args: { id: 'x', hard: true } });
      });

      it('resolves even when nobody serves the topic (the message is lost)', async () => {
        await caller.cast(topic('nobody'), 'm', { x: 1 });
      });

      it('does not reach listeners (fanout) of the same topic', async () => {
        let served = 0;
        let heard = 0;
        await server.serve(topic('svc'), () => { served++; });
        await server.listen(topic('svc'), () => { heard++; });
        await caller.cast(topic('svc'), 'm');
        await eventually(() => served === 1, 'the cast');
        await settle();
        assert.equal(heard, 0);
      });

      it('swallows errors thrown by the handler', async () => {
        let calls = 0;
        await server.serve(topic('svc'), () => { calls++; throw new Error('ignored'); });
        await caller.cast(topic('svc'), 'm');
        await caller.cast(topic('svc'), 'm');
        await eventually(() => calls === 2, 'both casts');
      });
    });

    describe('fanout', () => {
      it('reaches every listener of the topic', async () => {
        const got: Array<Array<unknown>> = [[], [], []];
        for (const list of got) {
          await server.listen(topic('events'), (method, args) => { list.push({ method, args }); });
        }
        await caller.fanout(topic('events'), 'changed', { id: 7 });
        await eventually(() => got.every((l) => l.length >= 1), 'every listener');
        await settle();
        for (const list of got) assert.deepEqual(list, [{ method: 'changed', args: { id: 7 } }]);
      });

      it('does not reach servers (call/cast) of the same topic', async () => {
        let served = 0;
        let heard = 0;
        await server.serve(topic('events'), () => { served++; });
        await server.listen(topic('events'), () => { heard++; });
        await caller.fanout(topic('events'), 'm');
        await eventually(() => heard === 1, 'the fanout');
        await settle();
        assert.equal(served, 0);
      });

      it('resolves even when nobody listens', async () => {
        await caller.fanout(topic('nobody'), 'm', { x: 1 });
      });
    });

    describe('unsubscribe', () => {
      it('stops a server receiving casts and calls', async () => {
        const counts = [0, 0];
        const first = await server.serve(topic('svc'), () => { counts[0]!++; return 0; });
        await server.serve(topic('svc'), () => { counts[1]!++; return 1; });
        await first.unsubscribe();
        for (let i = 0; i < 10; i++) await caller.cast(topic('svc'), 'm');
        for (let i = 0; i < 10; i++) assert.equal(await caller.call(topic('svc'), 'm'), 1);
        await eventually(() => counts[1] === 20, 'the second server to get everything');
        await settle();
        assert.equal(counts[0], 0);
      });

      it('leaves a topic with no server answering NoRespondersError', async () => {
        const sub = await server.serve(topic('svc'), () => 'here');
        assert.equal(await caller.call(topic('svc'), 'm'), 'here');
        await sub.unsubscribe();
        await assert.rejects(caller.call(topic('svc'), 'm', {}, { timeoutMs: 5_000 }), NoRespondersError);
      });

      it('stops a listener receiving fanouts, and leaves the others', async () => {
        let gone = 0;
        let kept = 0;
        const sub = await server.listen(topic('events'), () => { gone++; });
        await server.listen(topic('events'), () => { kept++; });
        await caller.fanout(topic('events'), 'm');
        await eventually(() => gone === 1 && kept === 1, 'the first fanout');
        await sub.unsubscribe();
        await caller.fanout(topic('events'), 'm');
        await eventually(() => kept === 2, 'the second fanout');
        await settle();
        assert.equal(gone, 1);
      });
    });

    describe('messages are copies', () => {
      it('a handler mutating its args does not change the caller\'s object, nor the caller the result', async () => {
        const kept = { items: ['a'] };
        await server.serve(topic('svc'), (method, args: { items: string[]; n: { v: number } }) => {
          args.items.push('handler');
          args.n.v = 99;
          return method === 'kept' ? kept : args;
        });
        const mine = { items: ['x'], n: { v: 1 } };
        const res = await caller.call<{ items: string[]; n: { v: number } }>(topic('svc'), 'echo', mine);
        assert.deepEqual(mine, { items: ['x'], n: { v: 1 } });
        assert.deepEqual(res, { items: ['x', 'handler'], n: { v: 99 } });
        assert.notEqual(res, mine);

        const got = await caller.call<{ items: string[] }>(topic('svc'), 'kept', { items: [], n: { v: 0 } });
        got.items.push('caller');
        assert.deepEqual(kept, { items: ['a'] }, 'the caller mutating a result must not reach the server');
      });

      it('a cast or fanout handler mutating its args does not change the sender\'s object or other listeners', async () => {
        const seen: unknown[] = [];
        await server.serve(topic('svc'), (_m, args: { list: number[] }) => { args.list.push(1); seen.push(args); });
        for (let i = 0; i < 2; i++) {
          await server.listen(topic('events'), (_m, args: { list: number[] }) => {
            args.list.push(i);
            seen.push(args);
          });
        }
        const sent = { list: [0] };
        await caller.cast(topic('svc'), 'm', sent);
        await caller.fanout(topic('events'), 'm', sent);
        await eventually(() => seen.length === 3, 'the cast and both fanouts');
        assert.deepEqual(sent, { list: [0] });
        for (const s of seen) assert.equal((s as { list: number[] }).list.length, 2, 'each handler saw a fresh copy');
      });

      it('a cast or fanout carries the args as they were when sent, not as later changed', async () => {
        const seen: unknown[] = [];
        await server.serve(topic('svc'), (_m, args) => { seen.push(args); });
        await server.listen(topic('events'), (_m, args) => { seen.push(args); });
        const sent = { state: 'building' };
        await caller.cast(topic('svc'), 'm', sent);
        await caller.fanout(topic('events'), 'm', sent);
        sent.state = 'changed-after-send';
        await eventually(() => seen.length === 2, 'the cast and the fanout');
        assert.deepEqual(seen, [{ state: 'building' }, { state: 'building' }]);
      });

      it('JSON-shaped values round-trip unchanged', async () => {
        await server.serve(topic('svc'), (_m, args) => args);
        const value = { s: 'é ☁', n: -1.5, b: false, z: null, a: [1, [2, { c: 'd' }]], o: {} };
        assert.deepEqual(await caller.call(topic('svc'), 'echo', value), value);
      });
    });

    describe('topics', () => {
      it('compute.host1 and compute.host2 are isolated for call, cast and fanout', async () => {
        const host1: string[] = [];
        const host2: string[] = [];
        const t1 = topic('compute.host1');
        const t2 = topic('compute.host2');
        await server.serve(t1, (method) => { host1.push(`serve:${method}`); return 'host1'; });
        await server.serve(t2, (method) => { host2.push(`serve:${method}`); return 'host2'; });
        await server.listen(t1, (method) => { host1.push(`listen:${method}`); });
        await server.listen(t2, (method) => { host2.push(`listen:${method}`); });

        assert.equal(await caller.call(t1, 'a'), 'host1');
        assert.equal(await caller.call(t2, 'b'), 'host2');
        await caller.cast(t1, 'c');
        await caller.fanout(t2, 'd');
        await eventually(() => host1.length === 2 && host2.length === 2, 'all four messages');
        await settle();
        assert.deepEqual(host1, ['serve:a', 'serve:c']);
        assert.deepEqual(host2, ['serve:b', 'listen:d']);
      });

      it('a prefix of a topic is a different topic', async () => {
        const got: string[] = [];
        await server.serve(topic('compute'), () => { got.push('compute'); return 'compute'; });
        await server.serve(topic('compute.host1'), () => { got.push('compute.host1'); return 'compute.host1'; });
        assert.equal(await caller.call(topic('compute'), 'm'), 'compute');
        assert.equal(await caller.call(topic('compute.host1'), 'm'), 'compute.host1');
        await assert.rejects(caller.call(topic('compute.host2'), 'm'), NoRespondersError);
        assert.deepEqual(got, ['compute', 'compute.host1']);
      });
    });
  });
}
