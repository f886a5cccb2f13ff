import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../apps/api/src/cli/create-admin.js');

interface Run {
  code: number | null;
  output: string;
}

/**
 * `admin:create` as a real process on the test's database: the password from the environment,
 * from a prompt on a terminal (a pseudo-terminal through `script`), and refused without either.
 */
describe('admin:create CLI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const env = (extra: Record<string, string> = {}) => {
    const base: Record<string, string | undefined> = {
      ...process.env,
      DATABASE_URL: t.database.url,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'error',
      ...extra,
    };
    for (const name of ['ADMIN_EMAIL', 'ADMIN_PASSWORD', 'ADMIN_USERNAME']) if (!(name in extra)) delete base[name];
    return base;
  };

  /** Runs the command; `answer` is typed once the output shows `prompt`. */
  function run(
    command: string,
    args: string[],
    environment: NodeJS.ProcessEnv,
    answer?: { prompt: string; input: string },
  ): Promise<Run> {
    return new Promise((resolve) => {
      const child = spawn(command, args, { env: environment, stdio: ['pipe', 'pipe', 'pipe'] });
      let output = '';
      let answered = false;
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (answer && !answered && output.includes(answer.prompt)) {
          answered = true;
          child.stdin.write(answer.input);
        }
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      if (!answer) child.stdin.end();
      child.on('close', (code) => resolve({ code, output }));
    });
  }

  it('takes the password from ADMIN_PASSWORD (nothing on the command line)', async () => {
    const result = await run(
      process.execPath,
      [CLI, '--email', 'env_admin@example.test'],
      env({ ADMIN_PASSWORD: 'FromEnv123' }),
    );
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toContain("Created admin 'env_admin'");
    const token = await t.login('env_admin', 'FromEnv123');
    expect((await t.http().get('/api/v1/users').set('Authorization', `Bearer ${token}`)).status).toBe(200);
  });

  it('refuses without a password when stdin is not a terminal, creating nothing', async () => {
    const result = await run(process.execPath, [CLI, '--email', 'nopass@example.test'], env());
    expect(result.code).toBe(1);
    expect(result.output).toContain('ADMIN_PASSWORD');
    await t.http().post('/api/v1/auth/token').send({ username: 'nopass', password: 'Whatever123' }).expect(401);
  });

  it('prompts twice without echo on a terminal', async () => {
    const flags = '--email prompted@example.test --username prompted_admin';
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ${flags}`;
    const result = await run('script', ['-qec', command, '/dev/null'], env(), {
      prompt: 'Password: ',
      input: 'Prompted123\rPrompted123\r',
    });
    expect(result.output).toContain("Created admin 'prompted_admin'");
    expect(result.output).not.toContain('Prompted123');
    await t.login('prompted_admin', 'Prompted123');
  });
});
