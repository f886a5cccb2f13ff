import { Injectable } from '@nestjs/common';
import bcrypt from 'bcryptjs';
import { AppConfig } from '@app/config';

/** bcrypt (pure JS, so nothing native to build). The cost comes from BCRYPT_ROUNDS. */
@Injectable()
export class PasswordHasher {
  /**
   * Compared against when the user does not exist, so both failures take the same time. Made on the
   * first such login, not at boot, where it took a tenth of the boot's CPU (that one login pays for
   * the hash once).
   */
  private decoy: Promise<string> | undefined;

  constructor(private readonly config: AppConfig) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.bcryptRounds);
  }

  async verify(password: string, hash: string | undefined): Promise<boolean> {
    return bcrypt.compare(
      password,
      hash ?? (await (this.decoy ??= bcrypt.hash('decoy-password-for-timing', this.config.bcryptRounds))),
    );
  }
}
