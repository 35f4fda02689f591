import { PartialType } from '@nestjs/mapped-types';
import { CreateWebhookDto } from './create-webhook.dto.js';

/** Body of `PATCH /:id`: any field of the create body. */
export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {}
