/** The admin every test app and test process is booted with. */
export const ADMIN = { username: 'admin', email: 'admin@example.test', password: 'Admin1234' };
export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-signing';
