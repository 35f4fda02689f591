// Which form field an API message is about, so the form says it under that field.

/** Which field an API message is about ("url must be a URL address", "Webhook URL must use HTTPS"…). */
export function fieldOf(msg: string): string | null {
  const m = msg.toLowerCase();
  if (/^name\b/.test(m)) return 'name';
  if (/^url\b|webhook url|private|resolv|host/.test(m)) return 'url';
  if (/event/.test(m)) return 'events';
  if (/^secret\b/.test(m)) return 'secret';
  if (/^ratelimit\b|rate limit/.test(m)) return 'rate-limit';
  if (/^format\b/.test(m)) return 'format';
  if (/^description\b/.test(m)) return 'description';
  if (/\binboxids\b/.test(m)) return 'inbox-ids';
  if (/^accountid\b/.test(m)) return 'account-id';
  return null;
}

/** The API's wording for a bad URL said as an operator would read it. */
export function plainUrlError(msg: string): string {
  return /^url must (be a url address|not contain spaces)/i.test(msg) ? 'Not a URL: it must look like https://example.com/hooks/chat.' : msg;
}

