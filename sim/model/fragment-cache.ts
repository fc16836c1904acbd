/**
 * Serialised pieces of an answer (one job's JSON, one instance's XML), kept
 * per model object for the wire routers: the model mutates its objects in
 * place, and most of them (queued jobs, stopped instances) do not change from
 * one request to the next, yet every answer used to re-serialise all of them.
 *
 * Why it cannot serve stale text: the renderer sees only a *view*, a flat
 * snapshot of every value it uses, built by the caller. The cached text is
 * reused only when the new view equals the stored one member by member (arrays
 * element by element), so the text is a function of exactly what is compared.
 * Keep every input of a renderer in its view; never let it read the object.
 * A view's members must not depend on the object (build it as one literal).
 */

/** Snapshot members: primitives, or arrays of primitives (compared element-wise). */
export type FragmentView = Readonly<Record<string, string | number | boolean | undefined | readonly (string | number | boolean | undefined)[]>>;

export class FragmentCache<O extends object, V extends FragmentView> {
  readonly #entries = new WeakMap<O, { view: V; text: string }>();

  constructor(private readonly render: (view: V) => string) {}

  /** The text for `view`, rendered again only when the view of `owner` changed. */
  text(owner: O, view: V): string {
    const entry = this.#entries.get(owner);
    if (entry !== undefined && sameView(entry.view, view)) return entry.text;
    const text = this.render(view);
    this.#entries.set(owner, { view, text });
    return text;
  }
}

/** Views of one cache come from one builder, so they have the same members: only `a`'s are walked. */
function sameView(a: FragmentView, b: FragmentView): boolean {
  for (const key in a) {
    const x = a[key];
    const y = b[key];
    // Object.is, so that a NaN member does not re-render forever (-0 against 0 merely misses).
    if (Object.is(x, y)) continue;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let n = 0; n < x.length; n++) if (!Object.is(x[n], y[n])) return false;
  }
  return true;
}
