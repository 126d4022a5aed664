/**
 * Vitest global setup: make sure the Debian packages the tests use (listed in
 * `.ci/debian-packages`) are installed, installing missing ones when running as root, so that
 * `npm test` works on a fresh machine of this kind. Fails loudly otherwise.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

function installed(pkg: string): boolean {
  try {
    execFileSync('dpkg', ['-s', pkg], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export default function setup(): void {
  const wanted = readFileSync(new URL('../../.ci/debian-packages', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '');
  const missing = wanted.filter((pkg) => !installed(pkg));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `tests need Debian packages: ${missing.join(' ')} (run .ci/run, or apt-get install them)`,
    );
  }
  console.log(`installing Debian packages the tests need: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env,
  });
}
