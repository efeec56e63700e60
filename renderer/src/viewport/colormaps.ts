/**
 * Colour maps for fusion overlays, as (position 0–1, r, g, b 0–1) points. One table serves the
 * vtk.js transfer function and the CSS gradient of the SUV scale bar, so they always agree.
 */

/** Colour map names offered for PET/MR fusion. */
export type ColormapName = 'hot' | 'rainbow' | 'gray';

/** Control points: [t, r, g, b] with t in 0–1. */
export const COLORMAPS: Record<ColormapName, readonly (readonly [number, number, number, number])[]> = {
  hot: [[0, 0, 0, 0], [0.38, 0.9, 0, 0], [0.7, 1, 0.85, 0], [1, 1, 1, 1]],
  rainbow: [[0, 0, 0, 0.5], [0.15, 0, 0, 1], [0.35, 0, 1, 1], [0.5, 0, 1, 0], [0.65, 1, 1, 0], [0.85, 1, 0, 0], [1, 0.5, 0, 0]],
  gray: [[0, 0, 0, 0], [1, 1, 1, 1]],
};

/** A CSS linear-gradient (bottom → top) of a colour map, for the scale bar. */
export function cssGradient(name: ColormapName): string {
  const stops = COLORMAPS[name].map(([t, r, g, b]) => `rgb(${Math.round(r * 255)} ${Math.round(g * 255)} ${Math.round(b * 255)}) ${Math.round(t * 100)}%`);
  return `linear-gradient(to top, ${stops.join(', ')})`;
}
