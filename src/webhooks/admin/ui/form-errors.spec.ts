import { describe, expect, it } from '@jest/globals';
import { fieldOf, plainUrlError } from './form-errors.js';

describe("the form's errors", () => {
  it('puts each API message under its field', () => {
    expect(fieldOf('name should not be empty')).toBe('name');
    expect(fieldOf('url must be a URL address')).toBe('url');
    expect(fieldOf('Webhook URL must use HTTPS')).toBe('url');
    expect(fieldOf('The URL resolves to a private address (10.0.0.1)')).toBe('url');
    expect(fieldOf('Invalid subscription event type: nope')).toBe('events');
    expect(fieldOf('rateLimit must not be greater than 1000')).toBe('rate-limit');
    expect(fieldOf('description must be at most 500 characters')).toBe('description');
    expect(fieldOf('each value in inboxIds must not contain spaces, control characters or line breaks')).toBe('inbox-ids');
    expect(fieldOf('inboxIds must contain no more than 50 entries')).toBe('inbox-ids');
    expect(fieldOf('accountId must be at most 191 characters')).toBe('account-id');
    expect(fieldOf('something else went wrong')).toBeNull();
  });

  it("says the API's wording for a bad URL plainly", () => {
    expect(plainUrlError('url must not contain spaces and must be a URL address')).toMatch(/^Not a URL/);
    expect(plainUrlError('Webhook URL must use HTTPS')).toBe('Webhook URL must use HTTPS');
  });
});
