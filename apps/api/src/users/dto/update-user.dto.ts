import type { Role } from '@app/common';
import {
  BioField,
  CurrentPasswordField,
  EmailField,
  FullNameField,
  IsActiveField,
  PasswordField,
  RoleField,
  UsernameField,
} from './user-fields.js';

/**
 * Partial update. Only an admin may send `role` or `isActive`. Changing one's own password, email
 * or username needs `currentPassword`.
 */
export class UpdateUserDto {
  @UsernameField(false) username?: string;
  @EmailField(false) email?: string;
  @PasswordField(false) password?: string;
  @FullNameField() fullName?: string;
  @BioField() bio?: string;
  @RoleField() role?: Role;
  @IsActiveField() isActive?: boolean;
  @CurrentPasswordField() currentPassword?: string;
}
