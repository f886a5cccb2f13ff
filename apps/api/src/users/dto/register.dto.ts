import { EmailField, FullNameField, PasswordField, UsernameField } from './user-fields.js';

/** Self-registration: always a customer; a `role` field is refused as unknown. */
export class RegisterDto {
  @UsernameField() username: string;
  @EmailField() email: string;
  @PasswordField() password: string;
  @FullNameField() fullName?: string;
}
