/**
 * All-or-nothing file output: every file is first written under a temporary name in its target
 * directory, and only when all are written are they renamed into place (a rename within one
 * directory is atomic). A run that fails before then leaves no file behind, not even a partial one,
 * and removes nothing: files made stale by the new ones (`remove`) go only once all are in place.
 */
import {mkdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'
import {UsageError} from '../errors.js'

export interface OutputFile {
  path: string
  data: string | Uint8Array
}

/** `remove`: paths to delete after the files are in place (those among `files` are kept). */
export function writeFilesAtomic(files: readonly OutputFile[], remove: readonly string[] = []): void {
  const staged: {tmp: string; path: string}[] = []
  try {
    for (const f of files) {
      mkdirSync(dirname(f.path), {recursive: true})
      const tmp = join(dirname(f.path), `.${basename(f.path)}.${process.pid}.tmp`)
      staged.push({tmp, path: f.path})
      writeFileSync(tmp, f.data)
    }
  } catch (e) {
    for (const s of staged) rmSync(s.tmp, {force: true})
    throw e
  }
  for (const s of staged) renameSync(s.tmp, s.path)
  const written = new Set(files.map((f) => resolve(f.path)))
  for (const path of remove) if (!written.has(resolve(path))) rmSync(path, {force: true})
}

/**
 * writeFilesAtomic for command output: a file system refusal (permissions, a file where a directory
 * must go, a full disk) is the user's to fix, so it becomes one UsageError line naming `flag`.
 */
export function writeOutputFiles(files: readonly OutputFile[], flag: string, remove: readonly string[] = []): void {
  try {
    writeFilesAtomic(files, remove)
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    if (typeof err.code !== 'string') throw e
    throw new UsageError(
      `${flag}: cannot write ${err.path ?? 'the output'} (${err.code}: ${err.message.split(':')[0]})`,
    )
  }
}
