import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * `users.tokenVersion`: tokens carry the value they were issued under; a password change or a
 * deactivation increments it, which revokes every token issued before (a counter, not a time:
 * a JWT's `iat` has whole seconds, too coarse to tell a token from a change in the same second).
 */
export class AddUserTokenVersion1767226700000 implements MigrationInterface {
  name = 'AddUserTokenVersion1767226700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('users', new TableColumn({ name: 'tokenVersion', type: 'integer', default: 0 }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'tokenVersion');
  }
}
