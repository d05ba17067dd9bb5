/**
 * All-or-nothing file output: every file is first written under a temporary name in its target
 * directory, and only when all are written are they renamed into place (a rename within one
 * directory is atomic). A run that fails before then leaves no file behind, not even a partial one.
 */
import {mkdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'

export interface OutputFile {
  path: string
  data: string
}

export function writeFilesAtomic(files: readonly OutputFile[]): void {
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
}
