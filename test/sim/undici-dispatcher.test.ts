import FakeTimers from '@sinonjs/fake-timers';
import { interceptors, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { noAnswer } from '../../sim/wire/no-answer';
import type { WireRequest, WireResponse, WireRouter } from '../../sim/wire/types';
import { RouterDispatcher } from '../../sim/wire/undici-dispatcher';

function echoRouter(seen: WireRequest[], answer: (req: WireRequest) => WireResponse = () => ({ status: 200, headers: { 'Content-Type': 'text/plain', 'X-Test': 'yes' }, body: 'héllo' })): WireRouter {
  return async (req) => {
    seen.push(req);
    return answer(req);
  };
}

describe('RouterDispatcher', () => {
  let uninstall: (() => void) | undefined;
  afterEach(() => {
    uninstall?.();
    uninstall = undefined;
  });

  it('hands the router the request as the wire carries it and undici parses the answer', async () => {
    const seen: WireRequest[] = [];
    const dispatcher = new RouterDispatcher(echoRouter(seen));
    const res = await request('http://admin1.internal:8080/services/count?status=QUEUED&operations=a,b', {
      dispatcher,
      method: 'POST',
      headers: { 'X-Requested-Auth': 'Digest', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'host=http%3A%2F%2Fw1&maintenance=true',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ 'content-type': 'text/plain', 'x-test': 'yes', 'content-length': '6' });
    expect(await res.body.text()).toBe('héllo');
    expect(seen[0]).toMatchObject({
      method: 'POST',
      path: '/services/count',
      headers: { 'x-requested-auth': 'Digest', host: 'admin1.internal:8080', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'host=http%3A%2F%2Fw1&maintenance=true',
    });
    expect(seen[0]!.query.get('operations')).toBe('a,b');
  });

  it('sends no body for HEAD', async () => {
    const res = await request('http://a/x', { dispatcher: new RouterDispatcher(echoRouter([])), method: 'HEAD' });
    expect(await res.body.text()).toBe('');
    expect(res.headers['content-length']).toBe('6');
  });

  it('serves undici 7 controller-style handlers (a composed redirect interceptor)', async () => {
    const seen: WireRequest[] = [];
    const router = echoRouter(seen, (req): WireResponse =>
      req.path === '/login' ? { status: 302, headers: { location: 'http://a/welcome' }, body: '' } : { status: 200, headers: {}, body: `at ${req.path}` },
    );
    const dispatcher = new RouterDispatcher(router).compose(interceptors.redirect({ maxRedirections: 2 }));
    const res = await request('http://a/login', { dispatcher });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('at /welcome');
    expect(seen.map((r) => r.path)).toEqual(['/login', '/welcome']);
  });

  it('turns no-answer into ECONNREFUSED, which undici retries like a real refused connection', async () => {
    const seen: WireRequest[] = [];
    const dispatcher = new RouterDispatcher(echoRouter(seen, () => noAnswer())).compose(
      interceptors.retry({ maxRetries: 2, minTimeout: 1, maxTimeout: 1, timeoutFactor: 1 }),
    );
    const error = await request('http://admin1.internal/services/hosts.json', { dispatcher }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', syscall: 'connect', message: 'connect ECONNREFUSED admin1.internal:80' });
    expect(seen).toHaveLength(3);
  });

  it('passes a router failure to the caller', async () => {
    const dispatcher = new RouterDispatcher(async () => {
      throw new Error('router bug');
    });
    await expect(request('http://a/x', { dispatcher })).rejects.toThrow('router bug');
  });

  it('waits delayMs on the (fake) clock and answers only when it has passed', async () => {
    const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    uninstall = () => clock.uninstall();
    const dispatcher = new RouterDispatcher(async () => ({ status: 200, headers: {}, body: 'late', delayMs: 60_000 }));
    let settled = false;
    const pending = request('http://a/x', { dispatcher }).then(async (r) => {
      settled = true;
      return r.body.text();
    });
    await clock.tickAsync(59_999);
    expect(settled).toBe(false);
    await clock.tickAsync(1);
    expect(await pending).toBe('late');
  });

  it('aborts a delayed exchange at once and clears its timer', async () => {
    const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    uninstall = () => clock.uninstall();
    const dispatcher = new RouterDispatcher(async () => ({ status: 200, headers: {}, body: 'late', delayMs: 60_000 }));
    const controller = new AbortController();
    const pending = request('http://a/x', { dispatcher, signal: controller.signal }).catch((e: unknown) => e);
    await clock.tickAsync(10);
    controller.abort(new Error('gave up'));
    expect(await pending).toMatchObject({ message: 'gave up' });
    expect(clock.countTimers()).toBe(0);
  });

  it('fails exchanges in flight on destroy and refuses new ones', async () => {
    const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    uninstall = () => clock.uninstall();
    const dispatcher = new RouterDispatcher(async () => ({ status: 200, headers: {}, body: '', delayMs: 1_000 }));
    const pending = request('http://a/x', { dispatcher }).catch((e: unknown) => e);
    await clock.tickAsync(1);
    await dispatcher.destroy();
    expect(await pending).toMatchObject({ code: 'UND_ERR_DESTROYED' });
    await expect(request('http://a/x', { dispatcher })).rejects.toMatchObject({ code: 'UND_ERR_DESTROYED' });
  });
});
