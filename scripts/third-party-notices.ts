/**
 * `dist/THIRD_PARTY_NOTICES.txt`: the licences of the libraries the bundle
 * carries. Written from esbuild's metafile, so it lists exactly the packages
 * whose code ended up in `dist/` (tree-shaken modules count only if some of
 * their bytes were emitted), each with the licence text it ships.
 *
 * Apache-2.0 §4 asks a redistributor to pass on the licence and any NOTICE;
 * MIT and BSD ask for the copyright notice and licence text; elkjs is taken
 * under EPL-2.0, whose §3.1 asks to say where its source is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';

interface BundledPackage {
  name: string;
  version: string;
  license: string;
  repository?: string;
  /** Licence files the package ships (LICENSE, LICENCE, COPYING), by file name. */
  licenseTexts: Array<{ file: string; text: string }>;
  notices: Array<{ file: string; text: string }>;
}

/** Folders of the node_modules packages with bytes in some output: `node_modules/a/node_modules/@s/b`. */
function bundledPackageDirs(metafile: Metafile): string[] {
  const dirs = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput === 0) continue;
      // The last node_modules segment names the package (a nested copy is its own package).
      const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match) dirs.add(match[1]!);
    }
  }
  return [...dirs].sort();
}

const LICENSE_FILE = /^(licen[cs]e|copying)([.-].*)?$/i;
const NOTICE_FILE = /^notice([.-].*)?$/i;

function readPackage(root: string, dir: string): BundledPackage {
  const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
    name: string; version: string; license?: string; repository?: string | { url?: string };
  };
  const files = readdirSync(join(root, dir));
  const read = (pattern: RegExp) =>
    files.filter((f) => pattern.test(f)).sort().map((file) => ({ file, text: readFileSync(join(root, dir, file), 'utf8').trim() }));
  const repository = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  if (!manifest.license) throw new Error(`${dir}/package.json names no licence: cannot bundle ${manifest.name} without knowing its terms`);
  return {
    name: manifest.name,
    version: manifest.version,
    license: manifest.license,
    ...(repository ? { repository: repository.replace(/^git\+/, '') } : {}),
    licenseTexts: read(LICENSE_FILE),
    notices: read(NOTICE_FILE),
  };
}

/**
 * The AWS SDK's attribution. Its npm packages ship no NOTICE file, so the
 * notice is the copyright line of the SDK's Apache-2.0 LICENSE (the one
 * @aws-sdk/client-sfn ships), passed on as Apache-2.0 §4(c) asks.
 */
function awsSdkNotice(packages: BundledPackage[]): string | undefined {
  const sdk = packages.filter((p) => p.name.startsWith('@aws-sdk/') || p.name.startsWith('@smithy/') || p.name.startsWith('@aws/'));
  const copyright = sdk.flatMap((p) => p.licenseTexts.flatMap((l) => l.text.match(/^\s*Copyright .*Amazon.*$/m) ?? [])).map((l) => l.trim());
  if (sdk.length === 0) return undefined;
  return [
    'AWS SDK for JavaScript v3 (the @aws-sdk/*, @smithy/* and @aws/* packages listed above)',
    ...new Set(copyright.length ? copyright : ['Copyright Amazon.com, Inc. or its affiliates. All Rights Reserved.']),
    '',
    'This product includes software developed at Amazon Web Services, Inc. (https://aws.amazon.com/).',
    'Licensed under the Apache License, Version 2.0 (text below). The npm packages ship no NOTICE file of their own.',
  ].join('\n');
}

function elkjsNotice(elk: BundledPackage): string {
  return [
    `elkjs ${elk.version} (Eclipse Layout Kernel for JavaScript), licensed ${elk.license}.`,
    'mo-scaler uses and redistributes it under the Eclipse Public License 2.0 (text below), unmodified:',
    'its lib/elk-api.js and lib/elk-worker.min.js are in the bundle (the live view\'s and report\'s diagrams).',
    'Source code:',
    `  the JavaScript package: https://github.com/kieler/elkjs (tag ${elk.version}),`,
    `    also https://registry.npmjs.org/elkjs/-/elkjs-${elk.version}.tgz`,
    '  the Java sources it is compiled from: https://github.com/eclipse/elk',
  ].join('\n');
}

export function thirdPartyNotices(metafile: Metafile, root: string): { text: string; packages: string[] } {
  const packages = bundledPackageDirs(metafile).map((dir) => readPackage(root, dir));
  const rule = '='.repeat(78);
  const section = (title: string, body: string) => `${rule}\n${title}\n${rule}\n\n${body}\n`;
  const ids = [...new Map(packages.map((p) => [`${p.name}@${p.version}`, p])).values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const list = ids.map((p) => `${p.name}@${p.version}  ${p.license}${p.repository ? `  ${p.repository}` : ''}${p.licenseTexts.length ? '' : '  (ships no licence file)'}`);

  // One copy of each distinct licence text, headed by the packages that ship it.
  const byText = new Map<string, string[]>();
  for (const p of ids) {
    for (const { file, text } of p.licenseTexts) byText.set(text, [...(byText.get(text) ?? []), `${p.name}@${p.version} (${file})`]);
  }
  const texts = [...byText].map(([text, owners]) => `--- ${owners.join(', ')}\n\n${text}\n`);
  const notices = ids.flatMap((p) => p.notices.map(({ file, text }) => `--- ${p.name}@${p.version} (${file})\n\n${text}\n`));
  const sdk = awsSdkNotice(ids);
  const elk = ids.find((p) => p.name === 'elkjs');

  const text = [
    'mo-scaler: third-party software in dist/',
    '',
    'mo-scaler is licensed under the Apache License 2.0 (LICENSE). Its command, dist/, bundles the',
    'packages below; this file is written by scripts/build.ts from the bundler\'s record of which',
    'packages ended up in dist/. The licence texts follow, one copy per distinct text.',
    '',
    section(`Bundled packages (${ids.length})`, list.join('\n')),
    ...(elk ? [section('elkjs', elkjsNotice(elk))] : []),
    ...(sdk ? [section('NOTICE: AWS SDK for JavaScript', sdk)] : []),
    ...(notices.length ? [section('NOTICE files shipped by bundled packages', notices.join('\n'))] : []),
    section('Licence texts', texts.join('\n')),
  ].join('\n');
  return { text, packages: ids.map((p) => p.name) };
}

