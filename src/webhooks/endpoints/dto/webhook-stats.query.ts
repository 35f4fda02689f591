import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Query of `GET /:id/stats`. */
export class WebhookStatsQuery {
  /** The window, in hours: 1 to 720 (30 days). Default 24. */
  @IsOptional()
  @Type(() => Number)
  @applyDecorators(
    IsInt({ message: 'hours must be an integer from 1 to 720' }),
    Min(1, { message: 'hours must be an integer from 1 to 720' }),
    Max(720, { message: 'hours must be an integer from 1 to 720' }),
  )
  hours?: number;
}
