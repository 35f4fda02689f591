import { Transform } from 'class-transformer';
import { ScopeIdField } from '../chat.validation.js';
import { IsEmail, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateContactDto {
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @IsOptional()
  @IsString()
  @MaxLength(50)
  phone?: string;

  /** The account it belongs to; none in a single-tenant install. */
  @ScopeIdField()
  accountId?: string | null;
}

/** Any of the fields; `null` clears email, phone or notes. */
export class UpdateContactDto {
  // A contact always has a name: absent is fine, null is not.
  @ValidateIf((_, value) => value !== undefined)
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(50)
  phone?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  notes?: string | null;
}

export class CreateOfflineMessageDto {
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @IsEmail()
  @MaxLength(320)
  email: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(10_000)
  message: string;

  /** The account it belongs to; none in a single-tenant install. */
  @ScopeIdField()
  accountId?: string | null;

  /** The inbox (website, widget) it came through. */
  @ScopeIdField()
  inboxId?: string | null;
}
