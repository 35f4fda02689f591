import { InjectQueue } from '@nestjs/bull';
import { Controller, Get, Logger, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';

/** How long one check may take before its dependency counts as down. */
const CHECK_TIMEOUT_MS = 2_000;

type State = 'up' | 'down';

/** `GET /health`: 200 when the database answers `SELECT 1` and the queue's Redis answers PING, else 503 naming which is down. */
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');
  private lastRedisError?: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue('webhooks') private readonly queue: Queue,
  ) {
    // Bull swallows its Redis clients' errors; log each new one so an outage shows up in the log.
    this.queue.on('error', (err: Error) => {
      if (err.message !== this.lastRedisError) this.logger.warn(`Redis: ${err.message}`);
      this.lastRedisError = err.message;
    });
  }

  @Get()
  async check() {
    const [database, redis] = await Promise.all([
      this.probe(() => this.dataSource.query('SELECT 1')),
      this.probe(() => this.queue.client.ping()),
    ]);
    const body = { status: database === 'up' && redis === 'up' ? 'ok' : 'error', database, redis };
    if (body.status !== 'ok') throw new ServiceUnavailableException(body);
    this.lastRedisError = undefined;
    return body;
  }

  private async probe(check: () => Promise<unknown>): Promise<State> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
    });
    try {
      await Promise.race([check(), timeout]);
      return 'up';
    } catch {
      return 'down';
    } finally {
      clearTimeout(timer);
    }
  }
}
