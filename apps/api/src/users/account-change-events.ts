import type { AuthEventInput } from '../auth-events/auth-events.service.js';
import type { UpdateUserDto } from './dto/update-user.dto.js';
import type { User } from './user.entity.js';

/** The security events an applied update makes, from the row as it was before and the fields sent. */
export function accountChangeEvents(before: User, dto: UpdateUserDto): Pick<AuthEventInput, 'type' | 'details'>[] {
  const events: Pick<AuthEventInput, 'type' | 'details'>[] = [];
  if (dto.password !== undefined) events.push({ type: 'password_changed' });
  // The addresses themselves are personal data: the event says that it changed, not to what.
  if (dto.email !== undefined && dto.email !== before.email) events.push({ type: 'email_changed' });
  if (dto.username !== undefined && dto.username !== before.username)
    events.push({ type: 'username_changed', details: { from: before.username, to: dto.username } });
  if (dto.role !== undefined && dto.role !== before.role)
    events.push({ type: 'role_changed', details: { from: before.role, to: dto.role } });
  if (dto.isActive === false && before.isActive) events.push({ type: 'user_deactivated' });
  if (dto.isActive === true && !before.isActive) events.push({ type: 'user_reactivated' });
  return events;
}
