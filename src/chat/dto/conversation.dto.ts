import { Transform } from 'class-transformer';
import { ScopeIdField } from '../chat.validation.js';
import { IsBoolean, IsEmail, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateConversationDto {
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  visitorName: string;

  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  visitorEmail?: string;

  @IsOptional()
  @IsString()
  @MaxLength(50)
  visitorPhone?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  currentUrl?: string;

  /** The account it belongs to; none in a single-tenant install. */
  @ScopeIdField()
  accountId?: string | null;

  /** The inbox (website, widget) it came through. */
  @ScopeIdField()
  inboxId?: string | null;
}

export class CreateMessageDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(10_000)
  content: string;

  @IsOptional()
  @IsBoolean()
  fromAdmin?: boolean;

  /** The agent's name; used for agent messages only. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  adminName?: string;

  /** Who sent an admin-side message: an agent (default), the AI bot or a trigger. Ignored for a visitor's message. */
  @IsOptional()
  @IsIn(['agent', 'ai', 'trigger'])
  authorType?: 'agent' | 'ai' | 'trigger';
}

export class UpdateMessageDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(10_000)
  content: string;
}

export class AssignConversationDto {
  /** The agent's name. */
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  assignee: string;
}

export class RateConversationDto {
  @IsInt()
  @Min(1)
  @Max(5)
  rating: number;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class AddTagDto {
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  tag: string;
}
