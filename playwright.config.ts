import { defineConfig } from '@playwright/test';

// Test tools cannot download browsers here: use Debian's Chromium (installed by scripts/ensure-debian.mjs),
// or the binary PARE_CHROMIUM names.
const executablePath = process.env.PARE_CHROMIUM ?? '/usr/bin/chromium';
// PARE_E2E_PORT lets a second run (a clean clone beside a working tree) use its own port.
const port = Number(process.env.PARE_E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    launchOptions: { executablePath },
    acceptDownloads: true,
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `npx vite build && exec ./node_modules/.bin/vite preview --port ${port} --strictPort`,
    url: `http://localhost:${port}`,
    timeout: 240_000,
    reuseExistingServer: !process.env.CI,
  },
});
