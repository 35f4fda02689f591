import { AccountIdFilter } from './webhook-fields.js';

/** Query of `GET /`. */
export class ListWebhooksQuery {
  /** Only this account's webhooks (a platform admin's filter; an account admin sees only their own anyway). */
  @AccountIdFilter()
  accountId?: string;
}
