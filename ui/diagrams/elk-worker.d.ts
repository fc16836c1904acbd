/** elkjs ships no types for its minified worker; it exports the fake worker Node uses (elk-worker.js's own exports). */
declare module 'elkjs/lib/elk-worker.min.js' {
  const worker: { Worker: unknown; default: unknown };
  export default worker;
}
