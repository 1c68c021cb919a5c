import { describe, expect, it } from 'vitest';
import { planRequest, resolveConnectionSettings } from '../../src/connectors/index.js';

const settingsFor = (baseUrl: string, env: Record<string, string> = {}) => {
  const resolved = resolveConnectionSettings('orders', { base_url: baseUrl }, env);
  if (!('settings' in resolved)) throw new Error(resolved.problems.join('; '));
  return resolved.settings;
};

describe('HTTP request planning', () => {
  it('keeps the path prefix and query of base_url, and a query written in the operation path', () => {
    const settings = settingsFor('https://${HOST}/api/v2/?key=${KEY}', { HOST: 'orders.example', KEY: 'k 1' });
    expect(planRequest(settings, { method: 'GET', path: '/orders/{id}?expand=items&lang={lang}' }, { id: '7', lang: 'de', page: '2' })).toEqual({
      method: 'GET',
      url: 'https://orders.example/api/v2/orders/7?key=k+1&expand=items&lang=de&page=2',
      headers: { accept: 'application/json' },
    });
  });

  it('sends DELETE arguments in the query and PATCH arguments in the body', () => {
    const settings = settingsFor('http://127.0.0.1:9');
    expect(planRequest(settings, { method: 'DELETE', path: '/carts/{cart}' }, { cart: 'c1', reason: 'x' })).toMatchObject({ url: 'http://127.0.0.1:9/carts/c1?reason=x' });
    expect(planRequest(settings, { method: 'PATCH', path: '/carts/{cart}' }, { cart: 'c1', note: 'gift' })).toMatchObject({
      url: 'http://127.0.0.1:9/carts/c1',
      body: '{"note":"gift"}',
      headers: { 'content-type': 'application/json' },
    });
  });

  it('names the missing argument instead of building a request', () => {
    const settings = settingsFor('http://127.0.0.1:9');
    expect(planRequest(settings, { method: 'GET', path: '/a/{x}/b/{y}' }, { x: '1' })).toEqual({ missing: 'y' });
    expect(planRequest(settings, { method: 'GET', path: '/a/{x}{y}' }, { x: '.', y: '.' })).toEqual({ missing: 'x' });
    expect(planRequest(settings, { method: 'GET', path: '/a/{x}' }, { x: '...' })).toMatchObject({ url: 'http://127.0.0.1:9/a/...' });
    expect(planRequest(settings, { method: 'GET', path: '/a/{x}' }, { x: '../../admin' })).toMatchObject({ url: 'http://127.0.0.1:9/a/..%2F..%2Fadmin' });
  });

  it('refuses base_url credentials, fragments and malformed references', () => {
    const problemsOf = (baseUrl: string) => resolveConnectionSettings('orders', { base_url: baseUrl }, { A: 'x' }).problems;
    expect(problemsOf('https://u:p@orders.example')).toEqual(['connector "orders": base_url must not contain credentials; use "auth" with environment variables']);
    expect(problemsOf('https://orders.example/#top')).toEqual(['connector "orders": base_url must not contain a #fragment']);
    expect(problemsOf('https://${a}.example')[0]).toContain('not written ${UPPER_CASE_NAME}');
  });

  it('refuses auth it could not send', () => {
    const problems = resolveConnectionSettings(
      'orders',
      { base_url: 'https://orders.example', auth: { type: 'header', header: 'Bad Header', value_env: 'V' } },
      { V: 'line\nbreak' },
    ).problems;
    expect(problems).toEqual([
      'connector "orders": auth.header "Bad Header" is not a valid HTTP header name',
      'connector "orders": the environment variable V (auth.value_env) contains a line break or NUL character',
    ]);
    expect(
      resolveConnectionSettings('orders', { base_url: 'https://orders.example', auth: { type: 'basic', username_env: 'U', password_env: 'P' } }, { U: 'a:b', P: 'p' }).problems,
    ).toEqual(['connector "orders": the user name in U contains ":", which basic auth cannot carry']);
  });
});
