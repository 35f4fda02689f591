import { ValidationPipe } from '@nestjs/common';

/** The chat routes' body check: unknown fields and wrong types get 400 naming the field. */
export const chatValidationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  stopAtFirstError: true,
});
