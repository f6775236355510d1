import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractToken, selectProtocol } from './extract.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

void test('Authorization: Bearer header', () => {
  assert.deepEqual(extractToken({ authorization: `Bearer ${JWT}` }), { token: JWT, via: 'header' });
  assert.deepEqual(extractToken({ authorization: `  bearer   ${JWT} ` }), { token: JWT, via: 'header' });
  assert.equal(extractToken({ authorization: `Basic dXNlcjpwYXNz` }), undefined);
  assert.equal(extractToken({ authorization: 'Bearer' }), undefined);
  assert.equal(extractToken({ authorization: `Bearer ${JWT} extra` }), undefined);
});

void test('bearer.<jwt> entry in Sec-WebSocket-Protocol', () => {
  assert.deepEqual(extractToken({ protocols: `speechgate.v1, bearer.${JWT}` }), {
    token: JWT,
    via: 'protocol',
  });
  assert.deepEqual(extractToken({ protocols: `bearer.${JWT},speechgate.v1` }), {
    token: JWT,
    via: 'protocol',
  });
  assert.equal(extractToken({ protocols: 'speechgate.v1' }), undefined);
  assert.equal(extractToken({ protocols: 'speechgate.v1, bearer.' }), undefined);
});

void test('?token= in the query string, URL-decoded', () => {
  assert.deepEqual(extractToken({ query: `voice=a&token=${JWT}` }), { token: JWT, via: 'query' });
  assert.deepEqual(extractToken({ query: `?token=${encodeURIComponent(JWT)}` }), {
    token: JWT,
    via: 'query',
  });
  assert.deepEqual(extractToken({ query: 'token=a%2Eb%2Ec' }), { token: 'a.b.c', via: 'query' });
  assert.equal(extractToken({ query: 'tokens=abc&token=' }), undefined);
});

void test('header wins over protocol, protocol over query', () => {
  const all = {
    authorization: 'Bearer h.h.h',
    protocols: 'speechgate.v1, bearer.p.p.p',
    query: 'token=q.q.q',
  };
  assert.equal(extractToken(all)?.via, 'header');
  assert.equal(extractToken({ ...all, authorization: undefined })?.via, 'protocol');
  assert.equal(extractToken({ ...all, authorization: undefined, protocols: 'speechgate.v1' })?.via, 'query');
  assert.equal(extractToken({}), undefined);
});

void test('selectProtocol returns speechgate.v1 and never the token entry', () => {
  assert.equal(selectProtocol(`bearer.${JWT}, speechgate.v1`), 'speechgate.v1');
  assert.equal(selectProtocol('speechgate.v1'), 'speechgate.v1');
  assert.equal(selectProtocol(`bearer.${JWT}`), undefined);
  assert.equal(selectProtocol('speechgate.v2, chat'), undefined);
  assert.equal(selectProtocol(''), undefined);
});
