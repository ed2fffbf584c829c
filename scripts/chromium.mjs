// Finds the Chromium the browser tests use. Order: $CHROMIUM_PATH, /usr/bin/chromium, then (root on Debian)
// `apt-get install -y chromium`. Playwright's own browser download cannot work on our machines, so we never
// try it. Run directly with --ensure to install when missing; imported, it only looks.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CANDIDATES = ['/usr/bin/chromium', '/usr/lib/chromium/chromium', '/usr/bin/chromium-browser'];

export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

function canApt() {
  return process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

export function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  if (canApt()) {
    console.error('[chromium] not found; installing Debian chromium with apt-get (one time) ...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    const installed = findChromium();
    if (installed) return installed;
  }
  throw new Error(
    'Chromium is needed for the browser tests and was not found.\n' +
      '  Debian/Ubuntu: sudo apt-get install -y chromium\n' +
      '  Other systems: install Chromium or Chrome and set CHROMIUM_PATH=/path/to/chromium',
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const path = process.argv.includes('--ensure') ? ensureChromium() : findChromium();
    if (!path) throw new Error('Chromium not found (run with --ensure to install it)');
    console.log(`[chromium] ${path}`);
  } catch (err) {
    console.error(String(err instanceof Error ? err.message : err));
    process.exit(1);
  }
}
