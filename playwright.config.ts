import { defineConfig } from '@playwright/test';
import { findChromium } from './scripts/chromium.mjs';

// Software rendering (SwiftShader) runs at ~2 fps with bloom: tests wait for frame counts, and timeouts are long.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: 'e2e',
  timeout: 240_000,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  expect: { timeout: 90_000, toHaveScreenshot: { maxDiffPixelRatio: 0.002 } },
  use: {
    baseURL: 'http://127.0.0.1:4173',
    viewport: { width: 800, height: 600 },
    launchOptions: { executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS },
  },
  webServer: {
    command: 'npx vite build && npx vite preview',
    url: 'http://127.0.0.1:4173',
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
  },
});
