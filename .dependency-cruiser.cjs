/**
 * The layer table of docs/architecture.md as rules, checked in `npm test`
 * (test/architecture/layers.test.ts). Data flows one way: observe → decide → act.
 * Pure layers (core/, machines/) import no adapter, no I/O and no Node built-in;
 * nothing outside cli/ imports cli/; the composition root (wiring/) is the one
 * place that joins adapters, simulator, engines and activities.
 */
const SOURCE_DIRS = ['core', 'machines', 'adapters', 'activities', 'engine', 'scaler', 'infra', 'wiring', 'cli', 'sim', 'ui', 'bench', 'reliability'];
const dir = (name) => `^${name}/`;
const anyOf = (...names) => `^(${names.join('|')})/`;

/** What each layer may import from the project (third-party packages are ruled separately below). */
const MAY_IMPORT = {
  core: ['core'],
  machines: ['machines', 'core'],
  adapters: ['adapters', 'core'],
  activities: ['activities', 'core', 'machines', 'scaler', 'engine'],
  engine: ['engine', 'core'],
  scaler: ['scaler', 'core', 'machines'],
  // The stack checks a CA bundle at synth and names the EMF metrics on its dashboard with the adapters' own constants.
  infra: ['infra', 'core', 'engine', 'wiring', 'config', 'adapters'],
  sim: ['sim', 'core', 'engine', 'adapters'],
  wiring: ['wiring', 'activities', 'adapters', 'core', 'engine', 'machines', 'scaler', 'sim', 'config'],
  ui: ['ui', 'core', 'engine', 'machines', 'sim', 'wiring'],
  cli: ['cli', 'core', 'engine', 'machines', 'scaler', 'sim', 'ui', 'wiring', 'activities', 'config', 'infra', 'scenarios'],
  // Benchmarks may borrow the tests' fixtures (bench/engine-throughput.ts); product code may not.
  bench: ['bench', 'core', 'engine', 'machines', 'scaler', 'sim', 'wiring', 'adapters', 'activities', 'config', 'ui', 'test'],
  reliability: ['reliability', 'core', 'engine', 'machines', 'scaler', 'sim', 'wiring', 'adapters', 'activities', 'config'],
};

const layerRules = Object.entries(MAY_IMPORT).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  comment: `${layer}/ may import only ${allowed.join(', ')} (docs/architecture.md, layer table)`,
  severity: 'error',
  from: { path: dir(layer) },
  to: { path: anyOf(...SOURCE_DIRS, 'config', 'scenarios', 'test'), pathNot: anyOf(...allowed) },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'pure-no-io',
      comment: 'core/ and machines/ are pure: no Node built-ins, no AWS SDK, no HTTP, no logger',
      severity: 'error',
      from: { path: anyOf('core', 'machines') },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'pure-no-clients',
      comment: 'core/ and machines/ import no client, transport or framework',
      severity: 'error',
      from: { path: anyOf('core', 'machines') },
      to: { path: 'node_modules/(@aws-sdk|@smithy|undici|pino|commander|aws-cdk-lib|constructs|aws-local-stepfunctions|@sinonjs)' },
    },
    {
      name: 'machines-only-xstate',
      comment: 'a machine imports xstate and core (and zod for its persisted form)',
      severity: 'error',
      from: { path: dir('machines') },
      to: { dependencyTypes: ['npm', 'npm-dev'], pathNot: 'node_modules/(xstate|zod)/' },
    },
    {
      name: 'activities-through-ports',
      comment: 'activities reach the outside through injected ports, never a client',
      severity: 'error',
      from: { path: dir('activities') },
      to: { path: 'node_modules/(@aws-sdk|@smithy|undici)' },
    },
    {
      name: 'adapters-decide-nothing',
      comment: 'adapters turn wire data into domain types and back: no policy, lifecycle or scaling rule',
      severity: 'error',
      from: { path: dir('adapters') },
      to: { path: '^core/(policies|scale|strategies|autoscale|lifecycle-rules|ranking|decision)' },
    },
    {
      name: 'no-product-to-tests',
      comment: 'product code never imports tests',
      severity: 'error',
      from: { path: anyOf(...SOURCE_DIRS), pathNot: dir('bench') },
      to: { path: dir('test') },
    },
    {
      name: 'no-circular',
      comment: 'import cycles make a module impossible to load or test alone',
      severity: 'error',
      from: { path: anyOf(...SOURCE_DIRS) },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-dev-dependency',
      comment: 'the command must run without dev dependencies',
      severity: 'error',
      from: { path: anyOf('core', 'machines', 'adapters', 'activities', 'engine', 'scaler', 'wiring', 'cli', 'sim', 'ui') },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|cdk\\.out|test-artifacts|dist)/' },
    tsPreCompilationDeps: true,
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
