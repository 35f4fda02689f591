import { webhookEntities, webhookMigrations } from 'nestjs-chat-webhooks';

// With `declaration: true` these need the entity and migration classes to be exported by name.
export const migrations = [...webhookMigrations];
export const entities = [...webhookEntities];
