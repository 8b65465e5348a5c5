import { defineConfig } from '@playwright/test';

// The server under test: `spymeo dev` with its own private cluster under target/e2e/.spymeo,
// on a port of its own. The binary is built by the test command before this runs.
const port = Number(process.env.E2E_PORT ?? 4310);
const baseURL = `http://127.0.0.1:${port}`;
const spymeo = process.env.SPYMEO_BIN ?? '../../target/debug/spymeo';

export default defineConfig({
  testDir: './specs',
  timeout: 30_000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  outputDir: '../../target/e2e/results',
  use: {
    baseURL,
    locale: 'fr-FR',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium: Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      ],
    },
  },
  webServer: {
    command: `${spymeo} dev --dir ../../target/e2e/.spymeo --bind 127.0.0.1:${port}`,
    url: `${baseURL}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    // Warnings only: request logs would drown the test report.
    env: { RUST_LOG: 'warn', NO_COLOR: '1' },
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
