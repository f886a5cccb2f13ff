import type { Role } from '@app/common';
import { BioField, EmailField, FullNameField, PasswordField, RoleField, UsernameField } from './user-fields.js';

/** What an admin sends to create a user (it may set the role). */
export class CreateUserDto {
  @UsernameField() username: string;
  @EmailField() email: string;
  @PasswordField() password: string;
  @FullNameField() fullName?: string;
  @BioField() bio?: string;
  @RoleField() role?: Role;
}
