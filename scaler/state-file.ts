/**
 * Small JSON state files under the state directory, written atomically (temp file
 * + rename) so a crash mid-write never leaves a corrupt file for the next run.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, 'utf8');
  await rename(temp, path);
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
