#!/usr/bin/env node
// Makes sure the Debian packages the tests need are installed: Chromium for Playwright (test tools cannot
// download their own browser here) and Fashion-MNIST for the data tests. Installs them when running as root on
// Debian; otherwise says what to do. Usage: node scripts/ensure-debian.mjs chromium dataset-fashion-mnist
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const wanted = process.argv.slice(2);
const present = {
  chromium: () => Boolean(process.env.PARE_CHROMIUM) || existsSync('/usr/bin/chromium'),
  'dataset-fashion-mnist': () => existsSync('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz'),
  // Real photographs (nature/*.jpg) for models that want photos, such as MobileNetV2.
  'mate-backgrounds': () => existsSync('/usr/share/backgrounds/mate/nature/LadyBird.jpg'),
  // Thirteen more photographs, so the search on graph models has photos to calibrate, validate and measure on.
  'lomiri-wallpapers-16.04': () => existsSync('/usr/share/backgrounds/Dragonfly_by_Bolly.jpg'),
};
const advice = {
  chromium: 'Install Chromium, or set PARE_CHROMIUM to the path of a Chromium or Chrome binary.',
  'dataset-fashion-mnist': "Install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist).",
  'mate-backgrounds': "Install Debian's package mate-backgrounds (apt-get install mate-backgrounds).",
  'lomiri-wallpapers-16.04': "Install Debian's package lomiri-wallpapers-16.04 (apt-get install lomiri-wallpapers-16.04).",
};

const missing = wanted.filter((p) => !(present[p] ?? (() => false))());
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
if (!isRoot || !hasApt) {
  for (const p of missing) console.error(`Missing ${p}. ${advice[p] ?? ''}`);
  process.exit(1);
}
console.log(`Installing Debian packages: ${missing.join(', ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
const still = missing.filter((p) => !(present[p] ?? (() => false))());
if (still.length) {
  for (const p of still) console.error(`Still missing ${p} after apt-get. ${advice[p] ?? ''}`);
  process.exit(1);
}
