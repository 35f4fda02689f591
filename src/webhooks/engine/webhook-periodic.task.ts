import { Logger } from '@nestjs/common';

/**
 * Runs `work` after `firstDelayMs`, then `intervalMs` after each run ends: never
 * two at once, never keeping the process alive, and `stop()` waits for a run
 * in flight. Errors are logged; the next run goes ahead.
 */
export class WebhookPeriodicTask {
  private readonly logger = new Logger('WebhooksModule');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  start(firstDelayMs: number): void {
    this.stopped = false;
    this.schedule(firstDelayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.work()
        .then(() => undefined)
        .catch((err: Error) => this.logger.error(`Webhook ${this.name} failed: ${err?.message ?? String(err)}; it runs again in ${this.intervalMs} ms.`))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }
}
