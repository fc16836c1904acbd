/**
 * Small JSON state files under the state directory, written atomically (temp file
 * + rename) so a crash mid-write never leaves a corrupt file for the next run.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Named after its target, so a crash's leftover says what it was; never read back.
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
    // On disk before it replaces the old file: a power cut just after the rename must not leave it empty.
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The parsed file, undefined when absent; a corrupt file is reported through `onCorrupt` and treated as absent. */
export async function readJson(path: string, onCorrupt: (message: string) => void): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    onCorrupt(`${path} is not valid JSON; ignoring it`);
    return undefined;
  }
}
