import { KOREA_BOUNDS } from './korea-outline';

/** Equirectangular projection of the outline's box, longitude scaled by cos(36°N) so Korea keeps its shape. */
const X_SCALE = Math.cos((36 * Math.PI) / 180);
const MARGIN = 0.15;

export const MAP_WIDTH = ((KOREA_BOUNDS.east - KOREA_BOUNDS.west + 2 * MARGIN) * X_SCALE * 100);
export const MAP_HEIGHT = (KOREA_BOUNDS.north - KOREA_BOUNDS.south + 2 * MARGIN) * 100;

export function project(longitude: number, latitude: number): { x: number; y: number } {
  return { x: (longitude - KOREA_BOUNDS.west + MARGIN) * X_SCALE * 100, y: (KOREA_BOUNDS.north + MARGIN - latitude) * 100 };
}

/** An SVG path for rings of [lon, lat]. */
export function ringsPath(rings: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): string {
  return rings
    .map((ring) => ring.map(([lon, lat], i) => { const { x, y } = project(lon, lat); return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`; }).join('') + 'Z')
    .join('');
}
