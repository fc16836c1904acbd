/** The global options as commander parses them (validated later, by resolveSettings and the engines). */
export interface GlobalOptions {
  cluster?: string;
  profile?: string;
  debug?: boolean;
  force?: boolean;
  dryRun?: boolean;
  region?: string;
  endpointUrl?: string;
  opencastUrl?: string;
  output?: 'json' | 'table';
  provider?: string;
  billing?: string;
  stateDir?: string;
  sim?: string;
  engine?: 'local' | 'aws' | 'direct';
  simWait?: boolean;
  simKeep?: boolean;
}
