import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpRequest } from '@smithy/protocol-http';
import { serveRouter } from '../../sim/wire/http-server';
import { createSdkRequestHandler } from '../../sim/wire/sdk-request-handler';
import type { WireRequest, WireResponse } from '../../sim/wire/types';

function echoRouter(seen: WireRequest[], response: Partial<WireResponse> = {}) {
  return async (request: WireRequest): Promise<WireResponse> => {
    seen.push(request);
    return { status: 201, headers: { 'x-answer': 'yes' }, body: 'héllo', ...response };
  };
}

describe('serveRouter', () => {
  it('passes method, path, query, lower-case headers and body through loopback HTTP', async () => {
    // Prepare
    const seen: WireRequest[] = [];
    const served = await serveRouter(echoRouter(seen));

    try {
      // Act
      const response = await fetch(`${served.url}/services/hosts.json?a=1&b=two`, {
        method: 'POST',
        headers: { 'X-Amz-Target': 'OpsWorks_20130218.DescribeStacks' },
        body: '{"k":1}',
      });

      // Assess
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(response.status).toBe(201);
      expect(response.headers.get('x-answer')).toBe('yes');
      expect(await response.text()).toBe('héllo');
      expect(seen[0]).toMatchObject({ method: 'POST', path: '/services/hosts.json', body: '{"k":1}' });
      expect(seen[0]?.query.get('b')).toBe('two');
      expect(seen[0]?.headers['x-amz-target']).toBe('OpsWorks_20130218.DescribeStacks');
    } finally {
      await served.close();
    }
  });

  it('stops accepting connections when closed', async () => {
    // Prepare
    const served = await serveRouter(echoRouter([]));

    // Act
    await served.close();

    // Assess
    await expect(fetch(served.url)).rejects.toThrow();
  });
});

describe('createSdkRequestHandler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function request(): HttpRequest {
    return new HttpRequest({
      method: 'POST',
      protocol: 'https:',
      hostname: 'ec2.us-east-1.amazonaws.com',
      path: '/',
      query: { Action: 'DescribeInstances', 'Filter.1.Value': ['a', 'b'] },
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new TextEncoder().encode('Version=2016-11-15'),
    });
  }

  it('hands the serialised request to the router and returns its answer as bytes', async () => {
    // Prepare
    const seen: WireRequest[] = [];
    const handler = createSdkRequestHandler(echoRouter(seen));

    // Act
    const { response } = await handler.handle(request());

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.headers['content-length']).toBe(String(Buffer.byteLength('héllo')));
    expect(response.body).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(response.body as Uint8Array).toString('utf8')).toBe('héllo');
    expect(seen[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(seen[0]?.query.getAll('Filter.1.Value')).toEqual(['a', 'b']);
    expect(seen[0]?.body).toBe('Version=2016-11-15');
  });

  it('answers only after delayMs has passed on the (faked) clock', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const handler = createSdkRequestHandler(echoRouter([], { delayMs: 1000 }));
    let answered = false;

    // Act
    const pending = handler.handle(request()).then((out) => {
      answered = true;
      return out;
    });
    await vi.advanceTimersByTimeAsync(999);
    const before = answered;
    await vi.advanceTimersByTimeAsync(1);

    // Assess
    expect(before).toBe(false);
    expect(answered).toBe(true);
    expect((await pending).response.statusCode).toBe(201);
  });

  it('rejects with AbortError when the SDK aborts during the delay', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const handler = createSdkRequestHandler(echoRouter([], { delayMs: 60_000 }));
    const controller = new AbortController();

    // Act
    const pending = handler.handle(request(), { abortSignal: controller.signal });
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();

    // Assess
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
