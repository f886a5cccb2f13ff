import { ConflictError } from '@app/common';
import type { UsersRepository } from './users.repository.js';

/**
 * Usernames (case-insensitive) and emails are unique. These checks give the clear 409 before the
 * write; the unique indexes still decide a race (a 409 from the exception filter, DB_ERRORS).
 */
export function refuseDuplicatesWithin(users: { username: string; email: string }[]): void {
  const seen = new Set<string>();
  for (const user of users) {
    for (const key of [`username '${user.username}'`, `email '${user.email}'`]) {
      const normalized = key.toLowerCase();
      if (seen.has(normalized)) throw new ConflictError('USER_DUPLICATE_IN_REQUEST', `The request repeats ${key}`);
      seen.add(normalized);
    }
  }
}

/** Refuses usernames or emails another account (not `exceptId`) already holds. */
export async function refuseTaken(
  users: UsersRepository,
  usernames: string[],
  emails: string[],
  exceptId?: number,
): Promise<void> {
  if (!usernames.length && !emails.length) return;
  const holders = await users.findHoldersOf(usernames, emails, exceptId);
  for (const holder of holders) {
    const username = usernames.find((name) => name.toLowerCase() === holder.username.toLowerCase());
    if (username) throw new ConflictError('USER_USERNAME_TAKEN', `Username '${username}' is already taken`);
    const email = emails.find((address) => address === holder.email);
    if (email) throw new ConflictError('USER_EMAIL_TAKEN', `Email '${email}' is already registered`);
  }
}
