import { BeforeInsert, BeforeUpdate, Column } from 'typeorm';

/** `createdAt` and `updatedAt` in milliseconds, stamped by the app so every database agrees. */
export abstract class Timestamped {
  @Column({ type: Date, precision: 3 })
  createdAt: Date;

  @Column({ type: Date, precision: 3 })
  updatedAt: Date;

  @BeforeInsert()
  protected stampInsert(): void {
    this.createdAt ??= new Date();
    this.updatedAt ??= this.createdAt;
  }

  @BeforeUpdate()
  protected stampUpdate(): void {
    this.updatedAt = new Date();
  }
}
