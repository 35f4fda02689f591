import { Catch, HttpException } from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';

/**
 * Nest turns a body parser's refusal (413 too large, 415 unsupported charset or
 * encoding) into an `HttpException` with a bare message, answered without the
 * `error` field. This filter answers those as Nest's usual
 * `{ statusCode, message, error }`; every other exception goes to Nest's own filter.
 */
@Catch(HttpException)
export class BodyParserErrorFilter extends BaseExceptionFilter {
  override catch(exception: HttpException, host: ArgumentsHost): void {
    const cause = exception.cause as { statusCode?: unknown; expose?: unknown } | undefined;
    const body = exception.getResponse();
    const fromBodyParser = typeof body === 'string' && typeof cause?.statusCode === 'number' && host.getType() === 'http';
    if (!fromBodyParser) return super.catch(exception, host);
    const status = exception.getStatus();
    host
      .switchToHttp()
      .getResponse<{ status(code: number): { json(body: unknown): void } }>()
      .status(status)
      .json({ statusCode: status, message: body, error: STATUS_CODES[status] ?? 'Error' });
  }
}
