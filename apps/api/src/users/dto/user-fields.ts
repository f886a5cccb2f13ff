import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { ROLES } from '@app/common';

/** The rules for user fields, written once and shared by register, create, bulk create and update. */
const optional = (required: boolean) => (required ? [] : [IsOptional()]);
const doc = (required: boolean, options: Parameters<typeof ApiProperty>[0]) =>
  required ? ApiProperty(options) : ApiPropertyOptional(options);

export const UsernameField = (required = true) =>
  applyDecorators(
    doc(required, { example: 'jane_doe', minLength: 3, maxLength: 50, pattern: '^[A-Za-z0-9_]+$' }),
    ...optional(required),
    IsString(),
    Length(3, 50),
    Matches(/^[A-Za-z0-9_]+$/, { message: 'username may contain only letters, digits and underscores' }),
  );

export const EmailField = (required = true) =>
  applyDecorators(
    doc(required, { example: 'jane@example.com', format: 'email' }),
    ...optional(required),
    Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)),
    IsEmail({}, { message: 'email must be a valid email address' }),
    MaxLength(255),
  );

export const PasswordField = (required = true) =>
  applyDecorators(
    doc(required, {
      example: 'Secret123',
      minLength: 8,
      maxLength: 100,
      format: 'password',
      description: 'At least one upper-case letter and one digit',
    }),
    ...optional(required),
    IsString(),
    Length(8, 100),
    Matches(/[A-Z]/, { message: 'password must contain an upper-case letter' }),
    Matches(/\d/, { message: 'password must contain a digit' }),
  );

export const FullNameField = () =>
  applyDecorators(
    ApiPropertyOptional({ example: 'Jane Doe', maxLength: 100, nullable: true }),
    IsOptional(),
    IsString(),
    MaxLength(100),
  );

export const BioField = () =>
  applyDecorators(ApiPropertyOptional({ maxLength: 2000, nullable: true }), IsOptional(), IsString(), MaxLength(2000));

export const RoleField = () =>
  applyDecorators(
    ApiPropertyOptional({ enum: ROLES, description: "'customer' when left out" }),
    IsOptional(),
    IsIn(ROLES),
  );

export const IsActiveField = () => applyDecorators(ApiPropertyOptional({ type: Boolean }), IsOptional(), IsBoolean());

export const CurrentPasswordField = () =>
  applyDecorators(
    ApiPropertyOptional({
      format: 'password',
      maxLength: 100,
      description:
        'Required when changing your own password, email or username (400 when ' +
        'missing, 403 when wrong); not needed when an admin edits another user',
    }),
    IsOptional(),
    IsString(),
    MaxLength(100),
  );
