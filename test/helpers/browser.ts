import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inCi } from '../setup/service-probes.js';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

/**
 * The system's Chromium (Debian's `chromium`), never a downloaded one: CHROMIUM_PATH when set, else
 * the first of the usual names on PATH. Undefined when there is none.
 */
export function findChromium(): string | undefined {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) return existsSync(chosen) ? chosen : undefined;
  for (const name of CANDIDATES) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // Not on PATH: the next name.
    }
  }
  return undefined;
}

/**
 * Whether the browser tests run: yes with a Chromium; without one, skipped with the reason printed,
 * except in CI (CI=true), where a missing browser fails the run instead of skipping it.
 */
export function browserOrSkip(): string | undefined {
  const chromium = findChromium();
  if (chromium) return chromium;
  const reason = 'no Chromium found (install Debian\'s "chromium" or set CHROMIUM_PATH)';
  if (inCi()) throw new Error(`${reason}; CI=true, so the browser tests fail instead of skipping`);
  process.stdout.write(`\nskipped: browser tests: ${reason}\n`);
  return undefined;
}

export interface StaticPage {
  origin: string;
  close(): Promise<void>;
}

/** A one-page web app on 127.0.0.1 at a port of its own: an origin other than the API's. */
export async function servePage(html: string): Promise<StaticPage> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
