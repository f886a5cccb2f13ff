import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminBootstrapService } from './admin-bootstrap.service.js';
import { PasswordHasher } from './password-hasher.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';
import { AuthEventsModule } from '../auth-events/auth-events.module.js';

@Module({
  imports: [TypeOrmModule.forFeature([User]), AuthEventsModule],
  controllers: [UsersController],
  providers: [UsersService, UsersRepository, PasswordHasher, AdminBootstrapService],
  exports: [UsersService],
})
export class UsersModule {}
