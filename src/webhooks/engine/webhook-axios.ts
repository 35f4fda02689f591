import { HttpService } from '@nestjs/axios';
import axios from 'axios';
import type { AxiosInstance } from 'axios';

/**
 * What every webhook request gets from axios: the response body as text, untouched, any
 * status as an answer, no redirect followed. Its `Accept` is axios' own.
 */
function webhookDefaults(): Record<string, unknown> {
  return {
    headers: { common: { Accept: 'application/json, text/plain, */*' } },
    maxRedirects: 0,
    responseType: 'text',
    transformRequest: [],
    transformResponse: [],
    validateStatus: () => true,
  };
}

/**
 * The module's own `HttpService`, on an axios instance with only the defaults above.
 * `@nestjs/axios`' `HttpModule` hands out axios' global instance, and `axios.create()`
 * copies its defaults: either way a header the host set for its own APIs
 * (`axios.defaults.headers.common.Authorization`, an interceptor) would go to every
 * webhook receiver. The short defaults are also less for axios to merge per request.
 */
export function createWebhookHttpService(): HttpService {
  const instance: AxiosInstance = axios.create();
  // The instance's `defaults` object is the one its requests read: emptied, then filled.
  const defaults = instance.defaults as unknown as Record<string, unknown>;
  for (const key of Object.keys(defaults)) delete defaults[key];
  Object.assign(defaults, webhookDefaults());
  return new HttpService(instance);
}
