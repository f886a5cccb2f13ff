import { ForbiddenError, ValidationFailedError } from '@app/common';
import type { PasswordHasher } from './password-hasher.js';
import type { User } from './user.entity.js';

/**
 * A user changing their own password, email or username must give the current password. Returns the
 * hash it was checked against, for the update's compare-and-set (a concurrent change loses).
 */
export async function checkCurrentPassword(
  passwords: PasswordHasher,
  user: User,
  currentPassword: string | undefined,
): Promise<string> {
  if (currentPassword === undefined) {
    throw new ValidationFailedError(
      [{ field: 'currentPassword', message: 'currentPassword is required to change your password, email or username' }],
      undefined,
      'USER_CURRENT_PASSWORD_REQUIRED',
    );
  }
  if (!(await passwords.verify(currentPassword, user.passwordHash)))
    throw new ForbiddenError('USER_CURRENT_PASSWORD_INCORRECT', 'currentPassword is incorrect');
  return user.passwordHash;
}
