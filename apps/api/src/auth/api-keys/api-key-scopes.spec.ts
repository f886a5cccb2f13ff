import { describe, expect, it } from '@jest/globals';
import { requiredScope, scopesAllowedFor } from './api-key-scopes.js';

describe('API key scope mapping', () => {
  it('admin routes need admin, whatever the method or declared scope', () => {
    expect(requiredScope('GET', ['admin'], undefined)).toBe('admin');
    expect(requiredScope('POST', ['admin'], 'predict')).toBe('admin');
  });

  it('a declared scope wins over the method; `session` closes the route to keys', () => {
    expect(requiredScope('POST', undefined, 'predict')).toBe('predict');
    expect(requiredScope('GET', undefined, 'predict')).toBe('predict');
    expect(requiredScope('GET', undefined, 'session')).toBeUndefined();
  });

  it('reads need read; other writes are not open to keys', () => {
    expect(requiredScope('GET', undefined, undefined)).toBe('read');
    expect(requiredScope('HEAD', [], undefined)).toBe('read');
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE'])
      expect(requiredScope(method, undefined, undefined)).toBeUndefined();
  });

  it('a customer can never hold admin', () => {
    expect(scopesAllowedFor('customer')).toEqual(['predict', 'read']);
    expect(scopesAllowedFor('admin')).toEqual(['predict', 'read', 'admin']);
  });
});
