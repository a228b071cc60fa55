#!/usr/bin/env node
// Draws the app's icons into public/icons/: icon.svg (the favicon), icon-192.png, icon-512.png and
// icon-512-maskable.png (the web manifest's icons). Plain Node only (zlib + a small PNG encoder),
// so no image library joins the dependencies. Run it again after changing the drawing:
//   node scripts/make-icons.mjs
//
// The glyph is a storm glass (a flask) holding blue liquid, with a yellow lightning bolt over it,
// on a dark rounded square. Every shape is defined once, in a unit square (0..1, y down), and
// both the SVG and the rasteriser read those definitions, so the favicon and the PNGs agree.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');

const COLORS = {
  bgTop: [0x1b, 0x2a, 0x41],
  bgBottom: [0x0b, 0x12, 0x20],
  glass: [0xff, 0xff, 0xff, 0.1],
  liquid: [0x2f, 0x7d, 0xe1, 0.85],
  outline: [0xcf, 0xe3, 0xff],
  bolt: [0xff, 0xd2, 0x3f],
};

/** Corner radius of the rounded square, as a fraction of its side. */
const CORNER = 0.22;
/** The flask: a round body, a straight neck and a rim across the neck's open top. */
const BODY = { cx: 0.5, cy: 0.64, r: 0.24 };
const NECK = { x0: 0.43, x1: 0.57, y0: 0.15 };
const RIM = { x0: 0.39, x1: 0.61, y: 0.15 };
const STROKE = 0.045;
/** The liquid fills the body below this line. */
const LIQUID_TOP = 0.6;
const BOLT = [
  [0.55, 0.36],
  [0.39, 0.64],
  [0.49, 0.64],
  [0.44, 0.88],
  [0.63, 0.55],
  [0.53, 0.55],
  [0.61, 0.36],
];
/** Where the neck's sides meet the body's circle. */
const JOIN_Y = BODY.cy - Math.sqrt(BODY.r ** 2 - ((NECK.x1 - NECK.x0) / 2) ** 2);

// ---- signed distances (negative inside) -------------------------------------------------------

function sdCircle(x, y) {
  return Math.hypot(x - BODY.cx, y - BODY.cy) - BODY.r;
}

function sdBox(x, y, x0, y0, x1, y1) {
  const dx = Math.max(x0 - x, x - x1);
  const dy = Math.max(y0 - y, y - y1);
  return Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0);
}

/** The flask's inside: the body, and the neck down to the body's centre (hidden inside the body). */
function sdFlask(x, y) {
  return Math.min(sdCircle(x, y), sdBox(x, y, NECK.x0, NECK.y0, NECK.x1, BODY.cy));
}

function sdRim(x, y) {
  const cx = Math.min(Math.max(x, RIM.x0), RIM.x1);
  return Math.hypot(x - cx, y - RIM.y) - STROKE / 2;
}

function insideRoundedSquare(x, y) {
  return sdBox(x, y, CORNER, CORNER, 1 - CORNER, 1 - CORNER) <= CORNER;
}

function insidePolygon(points, x, y) {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// ---- raster ------------------------------------------------------------------------------------

/** Straight-alpha "over" of one colour onto an [r, g, b, a] pixel (channels 0..255, a 0..1). */
function over(px, [r, g, b, a = 1]) {
  const outA = a + px[3] * (1 - a);
  if (outA === 0) return;
  for (const [i, c] of [r, g, b].entries()) px[i] = (c * a + px[i] * px[3] * (1 - a)) / outA;
  px[3] = outA;
}

/**
 * The colour at one point of the canvas. `scale` shrinks the glyph about the centre (maskable
 * icons must keep it inside the central safe circle); `fullBleed` paints the background to the
 * edges instead of a rounded square.
 */
function shade(u, v, { scale, fullBleed }) {
  const px = [0, 0, 0, 0];
  if (fullBleed || insideRoundedSquare(u, v)) {
    const [t, b] = [COLORS.bgTop, COLORS.bgBottom];
    over(px, [0, 1, 2].map((i) => t[i] + (b[i] - t[i]) * v));
  }
  const x = (u - 0.5) / scale + 0.5;
  const y = (v - 0.5) / scale + 0.5;
  const flask = sdFlask(x, y);
  if (flask < 0) over(px, y > LIQUID_TOP ? COLORS.liquid : COLORS.glass);
  if (Math.abs(flask) <= STROKE / 2 || sdRim(x, y) <= 0) over(px, COLORS.outline);
  if (insidePolygon(BOLT, x, y)) over(px, COLORS.bolt);
  return px;
}

/** RGBA bytes of a size×size icon, anti-aliased by averaging 4×4 samples per pixel. */
function rasterise(size, options) {
  const N = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // Average premultiplied colour, so transparent samples do not darken the edges.
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < N; sy++) {
        for (let sx = 0; sx < N; sx++) {
          const c = shade((px + (sx + 0.5) / N) / size, (py + (sy + 0.5) / N) / size, options);
          r += c[0] * c[3];
          g += c[1] * c[3];
          b += c[2] * c[3];
          a += c[3];
        }
      }
      const o = (py * size + px) * 4;
      rgba[o] = a ? Math.round(r / a) : 0;
      rgba[o + 1] = a ? Math.round(g / a) : 0;
      rgba[o + 2] = a ? Math.round(b / a) : 0;
      rgba[o + 3] = Math.round((a / (N * N)) * 255);
    }
  }
  return rgba;
}

// ---- PNG encoder (8-bit RGBA, no interlace, filter 0 on every row) -----------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- SVG ---------------------------------------------------------------------------------------

function svg() {
  const S = 512;
  const n = (v) => +(v * S).toFixed(2);
  const hex = ([r, g, b]) => '#' + [r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('');
  const { cx, cy, r } = BODY;
  const flask =
    `M${n(NECK.x0)} ${n(NECK.y0)}V${n(JOIN_Y)}` +
    `A${n(r)} ${n(r)} 0 1 0 ${n(NECK.x1)} ${n(JOIN_Y)}V${n(NECK.y0)}Z`;
  // The liquid is the body's circle below LIQUID_TOP: a chord and the arc under it.
  const half = Math.sqrt(r ** 2 - (LIQUID_TOP - cy) ** 2);
  const liquid =
    `M${n(cx - half)} ${n(LIQUID_TOP)}A${n(r)} ${n(r)} 0 ${LIQUID_TOP < cy ? 1 : 0} 0 ` +
    `${n(cx + half)} ${n(LIQUID_TOP)}Z`;
  const bolt = 'M' + BOLT.map(([x, y]) => `${n(x)} ${n(y)}`).join('L') + 'Z';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${S} ${S}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="${hex(COLORS.bgTop)}"/>
      <stop offset="1" stop-color="${hex(COLORS.bgBottom)}"/>
    </linearGradient>
  </defs>
  <rect width="${S}" height="${S}" rx="${n(CORNER)}" fill="url(#bg)"/>
  <path d="${flask}" fill="${hex(COLORS.glass)}" fill-opacity="${COLORS.glass[3]}"/>
  <path d="${liquid}" fill="${hex(COLORS.liquid)}" fill-opacity="${COLORS.liquid[3]}"/>
  <path d="${flask}" fill="none" stroke="${hex(COLORS.outline)}" stroke-width="${n(STROKE)}"/>
  <path d="M${n(RIM.x0)} ${n(RIM.y)}H${n(RIM.x1)}" stroke="${hex(COLORS.outline)}" stroke-width="${n(STROKE)}" stroke-linecap="round"/>
  <path d="${bolt}" fill="${hex(COLORS.bolt)}"/>
</svg>
`;
}

// ---- write -------------------------------------------------------------------------------------

const ICONS = [
  { file: 'icon-192.png', size: 192, scale: 1, fullBleed: false },
  { file: 'icon-512.png', size: 512, scale: 1, fullBleed: false },
  // Maskable: the platform crops to any shape inside the square, keeping only the central circle
  // of 40% radius for sure, so the background fills the square and the glyph shrinks into it.
  { file: 'icon-512-maskable.png', size: 512, scale: 0.78, fullBleed: true },
];

mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'icon.svg'), svg());
for (const { file, size, ...options } of ICONS) {
  writeFileSync(join(OUT, file), encodePng(size, rasterise(size, options)));
}
console.log(`wrote icon.svg and ${ICONS.map((i) => i.file).join(', ')} to ${OUT}`);
