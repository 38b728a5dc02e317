import {randomBytes} from 'node:crypto'
import {mkdir, readFile, rename, writeFile} from 'node:fs/promises'
import {dirname} from 'node:path'
import {ExternalServiceError, InputError} from './errors.js'

/**
 * Writes a file so readers (and a process restarted after a crash) see the old or the new
 * content, never half of it: a temporary file in the same folder, then a rename.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await mkdir(dirname(path), {recursive: true})
    await writeFile(tmp, text)
    await rename(tmp, path)
  } catch (error) {
    throw new ExternalServiceError('file system', `cannot write ${path}: ${(error as Error).message}`, {cause: error})
  }
}

/** Reads a JSON file; undefined when it does not exist. */
export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new ExternalServiceError('file system', `cannot read ${path}: ${(error as Error).message}`, {cause: error})
  }
  try {
    return JSON.parse(text) as T
  } catch (error) {
    throw new InputError(`${path} is not valid JSON: ${(error as Error).message}`, {location: {file: path}})
  }
}
