/**
 * Test and benchmark helper: real photographs from Debian packages, cut into several square views each and written
 * as PNG files into a folder that `pare auto --data <folder>` opens like any unlabelled image folder. Debian ships
 * only a few dozen photographs, and the search needs 64 samples or more, so each photo gives seven views (the centred
 * full-height square and six half-height squares on a 3 x 2 grid). The views of one photo are correlated, so callers
 * split by photo, never by view: files are named '<photo index>-<photo name>-v<view>.png', and the photos a search
 * calibrates with, validates on and is finally measured on are disjoint.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PNG } from 'pngjs';
import { decodeImage } from '../node-decoder';

/**
 * Where the photographs are, and the Debian package that ships each (scripts/ensure-debian.mjs installs them):
 * mate-backgrounds' twelve nature photos (its other folders are illustrations) and thirteen of lomiri-wallpapers-16.04's
 * fifteen (Ubuntu's 16.04 wallpaper contest: mountains, a bridge, a dragonfly, wine glasses, a sunset ...).
 */
export const PHOTO_SOURCES = [
  { pkg: 'mate-backgrounds', dir: '/usr/share/backgrounds/mate/nature', pick: (n: string) => n.endsWith('.jpg') },
  // Its analogpattern (speckled colour) and umang (a gradient) are not photographs.
  { pkg: 'lomiri-wallpapers-16.04', dir: '/usr/share/backgrounds', pick: (n: string) => /_by_.+\.jpg$/.test(n) && !/^(analogpattern|umang)_/.test(n) },
] as const;

/** Every photograph, sorted by file name within its source; throws naming the package when a source is missing. */
export function listPhotos(): string[] {
  return PHOTO_SOURCES.flatMap(({ pkg, dir, pick }) => {
    const found = existsSync(dir) ? readdirSync(dir).filter(pick).sort() : [];
    if (!found.length) throw new Error(`No photographs in ${dir}: run node scripts/ensure-debian.mjs ${pkg} (Debian's ${pkg} package).`);
    return found.map((n) => join(dir, n));
  });
}

export const VIEWS_PER_PHOTO = 7;

/** The square regions [x, y, side] of a width x height photo that become its views. */
export function viewRegions(width: number, height: number): [number, number, number][] {
  const m = Math.min(width, height);
  const regions: [number, number, number][] = [[Math.floor((width - m) / 2), Math.floor((height - m) / 2), m]];
  const s = Math.floor(m / 2);
  for (let gy = 0; gy < 2; gy++) {
    for (let gx = 0; gx < 3; gx++) regions.push([Math.round((gx * (width - s)) / 2), Math.round(gy * (height - s)), s]);
  }
  return regions;
}

/** The mean of each source box: downscaling without the aliasing of point or bilinear sampling. */
function boxResize(rgba: ArrayLike<number>, width: number, [x0, y0, side]: [number, number, number], out: number): Uint8Array {
  const px = new Uint8Array(out * out * 4);
  for (let oy = 0; oy < out; oy++) {
    const ya = y0 + Math.floor((oy * side) / out);
    const yb = Math.max(ya + 1, y0 + Math.floor(((oy + 1) * side) / out));
    for (let ox = 0; ox < out; ox++) {
      const xa = x0 + Math.floor((ox * side) / out);
      const xb = Math.max(xa + 1, x0 + Math.floor(((ox + 1) * side) / out));
      let r = 0, g = 0, b = 0;
      for (let y = ya; y < yb; y++) {
        for (let x = xa, i = (y * width + xa) * 4; x < xb; x++, i += 4) {
          r += rgba[i]!;
          g += rgba[i + 1]!;
          b += rgba[i + 2]!;
        }
      }
      const n = (yb - ya) * (xb - xa);
      const o = (oy * out + ox) * 4;
      px[o] = Math.round(r / n);
      px[o + 1] = Math.round(g / n);
      px[o + 2] = Math.round(b / n);
      px[o + 3] = 255;
    }
  }
  return px;
}

/**
 * Writes the views of `photos` (each `side` x `side` pixels, PNG) into `dir`, named so that sorting by name keeps
 * each photo's views together and the photos in the order given. Returns the number of files written.
 * @example await writePhotoViews(listPhotos().slice(0, 10), '/tmp/cal', 256) // 70 files
 */
export async function writePhotoViews(photos: string[], dir: string, side = 256): Promise<number> {
  await mkdir(dir, { recursive: true });
  let written = 0;
  for (const [i, path] of photos.entries()) {
    const { width, height, rgba } = decodeImage(new Uint8Array(readFileSync(path)), path);
    const stem = `${String(i + 1).padStart(3, '0')}-${basename(path).replace(/\.[^.]+$/, '')}`;
    for (const [v, region] of viewRegions(width, height).entries()) {
      const png = new PNG({ width: side, height: side });
      png.data = Buffer.from(boxResize(rgba, width, region, side));
      await writeFile(join(dir, `${stem}-v${v + 1}.png`), PNG.sync.write(png));
      written++;
    }
  }
  return written;
}
