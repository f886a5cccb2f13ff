import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * DATA migration: every order that has no event yet gets one, from its current state, since its
 * history before the trail is unknown: `from: null, to: <current status>, by: null, at: updatedAt`
 * (the last time the order changed, the best known time it reached that status). The rows are
 * marked `backfilled`, so down deletes exactly them and nothing the application wrote since.
 * One INSERT … SELECT: the database does it in one statement, without moving rows through Node.
 */
export class BackfillOrderEvents1767227100002 implements MigrationInterface {
  name = 'BackfillOrderEvents1767227100002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `INSERT INTO order_events (orderId, fromStatus, toStatus, userId, backfilled, createdAt)
       SELECT o.id, NULL, o.status, NULL, 1, o.updatedAt FROM orders o
       WHERE NOT EXISTS (SELECT 1 FROM order_events e WHERE e.orderId = o.id)
       ORDER BY o.id`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM order_events WHERE backfilled = 1');
  }
}
