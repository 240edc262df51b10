// Draws media/icon.png (128x128): flame-graph bars seen through a magnifying glass, in Go's cyan.
// Usage: node scripts/make-icon.mjs [out.png]
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SUPERSAMPLE = 4; // 4x4 samples per pixel for smooth edges

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const lens = { x: 54, y: 54, r: 38 };
const ring = 8;

const insideRoundedSquare = (x, y, r) => {
  const dx = Math.max(r - x, 0, x - (SIZE - r));
  const dy = Math.max(r - y, 0, y - (SIZE - r));
  return dx * dx + dy * dy <= r * r;
};
const distance = (x, y, cx, cy) => Math.hypot(x - cx, y - cy);
const distanceToSegment = (x, y, [ax, ay], [bx, by]) => {
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return distance(x, y, ax + t * (bx - ax), ay + t * (by - ay));
};

// Flame-graph frames, bottom row first: [x0, x1, y0, y1, colour].
const frames = [
  [20, 88, 72, 82, '#e8543a'],
  [22, 62, 61, 71, '#f07a3a'],
  [64, 84, 61, 71, '#f07a3a'],
  [24, 50, 50, 60, '#f5a03a'],
  [52, 60, 50, 60, '#f5a03a'],
  [66, 78, 50, 60, '#f5a03a'],
  [26, 42, 39, 49, '#f8c94a'],
  [68, 74, 39, 49, '#f8c94a'],
  [28, 36, 28, 38, '#fbe27a'],
];

// Layers from back to front; the first that covers a sample wins, so list front first.
const layers = [
  { colour: '#00add8', covers: (x, y) => distanceToSegment(x, y, [84, 84], [110, 110]) <= 8 },
  { colour: '#00add8', covers: (x, y) => Math.abs(distance(x, y, lens.x, lens.y) - lens.r) <= ring / 2 },
  ...frames.map(([x0, x1, y0, y1, colour]) => ({
    colour,
    covers: (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1 && distance(x, y, lens.x, lens.y) < lens.r - ring / 2,
  })),
  { colour: '#12506b', covers: (x, y) => distance(x, y, lens.x, lens.y) < lens.r },
  { colour: '#0b2f40', covers: (x, y) => insideRoundedSquare(x, y, 24) },
];

function pixel(px, py) {
  const sum = [0, 0, 0, 0];
  for (let sy = 0; sy < SUPERSAMPLE; sy++) {
    for (let sx = 0; sx < SUPERSAMPLE; sx++) {
      const x = px + (sx + 0.5) / SUPERSAMPLE;
      const y = py + (sy + 0.5) / SUPERSAMPLE;
      const layer = layers.find((l) => l.covers(x, y));
      if (!layer) continue;
      const [r, g, b] = rgb(layer.colour);
      sum[0] += r;
      sum[1] += g;
      sum[2] += b;
      sum[3] += 255;
    }
  }
  const n = SUPERSAMPLE * SUPERSAMPLE;
  const alpha = sum[3] / n;
  // Straight (not premultiplied) alpha, as PNG wants.
  return alpha === 0 ? [0, 0, 0, 0] : [...sum.slice(0, 3).map((c) => Math.round((c / n) * (255 / alpha))), Math.round(alpha)];
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const raw = Buffer.alloc(SIZE * (1 + SIZE * 4));
for (let y = 0; y < SIZE; y++) {
  const row = y * (1 + SIZE * 4); // each row starts with filter type 0 (none)
  for (let x = 0; x < SIZE; x++) raw.set(pixel(x, y), row + 1 + x * 4);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter method, no interlace

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = process.argv[2] ?? path.join(import.meta.dirname, '..', 'media', 'icon.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
