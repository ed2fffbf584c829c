// Finds the Mosquitto broker (and mosquitto_passwd, from the same Debian package) that the broker-ACL test
// runs. Order: $MOSQUITTO_PATH, /usr/sbin/mosquitto, then (root on Debian) `apt-get install -y mosquitto`.
// Run directly with --ensure to install when missing; imported, it only looks (ensureMosquitto installs).
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CANDIDATES = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'];
const PASSWD_CANDIDATES = ['/usr/bin/mosquitto_passwd', '/usr/local/bin/mosquitto_passwd'];

/** @returns {{ mosquitto: string, passwd: string | null } | null} */
export function findMosquitto() {
  const fromEnv = process.env.MOSQUITTO_PATH;
  let mosquitto = null;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`MOSQUITTO_PATH=${fromEnv} does not exist`);
    mosquitto = fromEnv;
  } else {
    mosquitto = CANDIDATES.find((p) => existsSync(p)) ?? null;
  }
  if (!mosquitto) return null;
  const besideIt = join(dirname(mosquitto), 'mosquitto_passwd');
  const passwd = [besideIt, ...PASSWD_CANDIDATES].find((p) => existsSync(p)) ?? null;
  return { mosquitto, passwd };
}

function canApt() {
  return process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

/** @returns {{ mosquitto: string, passwd: string | null }} */
export function ensureMosquitto() {
  const found = findMosquitto();
  if (found) return found;
  if (canApt()) {
    console.error('[mosquitto] not found; installing Debian mosquitto with apt-get (one time) ...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    // --no-install-recommends: the broker binary and mosquitto_passwd only; no service is started here (the
    // tests start their own broker on a free loopback port).
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'mosquitto'], { stdio: 'inherit', env });
    const installed = findMosquitto();
    if (installed) return installed;
  }
  throw new Error(
    'Mosquitto is needed for the broker ACL test and was not found, and it could not be installed here\n' +
      '(apt-get needs root on Debian/Ubuntu).\n' +
      '  Debian/Ubuntu: sudo apt-get install -y mosquitto\n' +
      '  Other systems: install Mosquitto 2.x and set MOSQUITTO_PATH=/path/to/mosquitto',
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const found = process.argv.includes('--ensure') ? ensureMosquitto() : findMosquitto();
    if (!found) throw new Error('Mosquitto not found (run with --ensure to install it)');
    console.log(`[mosquitto] ${found.mosquitto}${found.passwd ? ` (${found.passwd})` : ''}`);
  } catch (err) {
    console.error(String(err instanceof Error ? err.message : err));
    process.exit(1);
  }
}
