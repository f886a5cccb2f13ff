import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthEvent } from './auth-event.entity.js';
import { AuthEventMetrics } from './auth-event.metrics.js';
import { AuthEventWriter } from './auth-event.writer.js';
import { AuthEventsController } from './auth-events.controller.js';
import { AuthEventsRepository } from './auth-events.repository.js';
import { AuthEventsService } from './auth-events.service.js';

/**
 * The security audit trail. Imported by the modules that record (users, auth) and depends on
 * neither, so the import arrows keep pointing one way.
 */
@Module({
  imports: [TypeOrmModule.forFeature([AuthEvent])],
  controllers: [AuthEventsController],
  providers: [AuthEventsRepository, AuthEventMetrics, AuthEventWriter, AuthEventsService],
  exports: [AuthEventsService],
})
export class AuthEventsModule {}
