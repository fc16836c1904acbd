/**
 * Edge crossings and overlapping boxes of a laid-out diagram: how tests (and
 * anyone tuning the layout) check that the drawing is as readable as the
 * layout can make it.
 */
import type { Box, Point } from './elk-layout';

/** Proper crossings between the routes of different edges (segments meeting at an end do not count). */
export function countCrossings(routes: readonly Point[][]): number {
  const segments = routes.map((points) => points.slice(1).map((p, i) => [points[i]!, p] as const));
  let crossings = 0;
  for (let a = 0; a < segments.length; a++) {
    for (let b = a + 1; b < segments.length; b++) {
      for (const s of segments[a]!) for (const t of segments[b]!) if (properlyCross(s[0], s[1], t[0], t[1])) crossings += 1;
    }
  }
  return crossings;
}

function orient(a: Point, b: Point, c: Point): number {
  const v = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
  return Math.abs(v) < 1e-6 ? 0 : Math.sign(v);
}

function properlyCross(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  const d1 = orient(q1, q2, p1);
  const d2 = orient(q1, q2, p2);
  const d3 = orient(p1, p2, q1);
  const d4 = orient(p1, p2, q2);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

/** Pairs of boxes that overlap by more than `tolerance` px in both directions. */
export function overlappingPairs<T extends Box>(boxes: readonly T[], tolerance = 0.5): Array<[T, T]> {
  const out: Array<[T, T]> = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      const dx = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const dy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (dx > tolerance && dy > tolerance) out.push([a, b]);
    }
  }
  return out;
}
