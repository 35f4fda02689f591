import { ValidationPipe, applyDecorators } from '@nestjs/common';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** The chat routes' body check: unknown fields and wrong types get 400 naming the field. */
export const chatValidationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  stopAtFirstError: true,
});

/** An optional account or inbox id of a chat body: a non-empty string of at most 191 characters (an index's key). */
export function ScopeIdField(): PropertyDecorator {
  return applyDecorators(IsOptional(), IsString(), IsNotEmpty(), MaxLength(191));
}
