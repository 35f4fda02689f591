/**
 * The queue runs on a Redis Cluster, but its key prefix carries no hash tag: the queue's
 * keys and the module's scripts would spread over the cluster's slots, and every script
 * needs all the keys it touches in one.
 */
export class WebhookRedisClusterError extends Error {
  readonly code = 'WEBHOOK_REDIS_CLUSTER_PREFIX';

  constructor(readonly prefix: string) {
    super(
      `The webhooks queue runs on a Redis Cluster, but its key prefix "${prefix}" has no hash tag, so its keys would be spread ` +
        'over the cluster\'s slots. Give BullModule.forRoot a prefix with one, e.g. { prefix: \'{webhooks}\' }: every key of the ' +
        'queue then lands in one slot, as its scripts need.',
    );
    this.name = 'WebhookRedisClusterError';
  }
}

/** Whether a Redis key beginning with `prefix` carries a hash tag there (a non-empty `{...}`, the first `{` of the key). */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  if (open < 0) return false;
  const close = prefix.indexOf('}', open + 1);
  return close > open + 1;
}
