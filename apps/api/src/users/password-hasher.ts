import { Injectable } from '@nestjs/common';
import bcrypt from 'bcryptjs';
import { AppConfig } from '@app/config';

/** bcrypt (pure JS, so nothing native to build). The cost comes from BCRYPT_ROUNDS. */
@Injectable()
export class PasswordHasher {
  /** Compared against when the user does not exist, so both failures take the same time. */
  private readonly decoy: Promise<string>;

  constructor(private readonly config: AppConfig) {
    this.decoy = bcrypt.hash('decoy-password-for-timing', config.bcryptRounds);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.bcryptRounds);
  }

  async verify(password: string, hash: string | undefined): Promise<boolean> {
    return bcrypt.compare(password, hash ?? (await this.decoy));
  }
}
