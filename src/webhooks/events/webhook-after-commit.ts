import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { WebhookDeliveryQueue } from '../engine/webhook-delivery.queue.js';
import type { ScheduledWebhookDeliveryJob } from '../engine/webhook-delivery.queue.js';

/**
 * Holds the jobs of deliveries written inside a host's transaction and queues
 * them once it commits; a rollback drops them with the rows.
 */
@Injectable()
export class WebhookAfterCommit implements EntitySubscriberInterface, OnModuleInit {
  private readonly pending = new WeakMap<QueryRunner, ScheduledWebhookDeliveryJob[]>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: WebhookDeliveryQueue,
  ) {}

  onModuleInit(): void {
    if (!this.dataSource.subscribers.includes(this)) this.dataSource.subscribers.push(this);
  }

  defer(queryRunner: QueryRunner, jobs: ScheduledWebhookDeliveryJob[]): void {
    const list = this.pending.get(queryRunner) ?? [];
    list.push(...jobs);
    this.pending.set(queryRunner, list);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const jobs = this.pending.get(event.queryRunner);
    if (!jobs) return;
    this.pending.delete(event.queryRunner);
    void this.queue.enqueue(jobs);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.pending.delete(event.queryRunner);
  }
}
