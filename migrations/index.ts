import { CreateUsers1767225600000 } from './1767225600000-CreateUsers.js';

/** Every migration in order, listed as classes (no globs) so every runner sees the same set. */
export const MIGRATIONS = [CreateUsers1767225600000];
