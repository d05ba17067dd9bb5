/** `--out DIR`: `<id>.csv` and `<id>.meta.json` per experiment (and `<id>.breakdown.csv`), all written or none. */
import {accessSync, constants, statSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {UsageError} from '../errors.js'
import type {ExperimentRun} from '../experiments/runner.js'
import {writeOutputFiles, type OutputFile} from './atomic.js'
import {breakdownCsv, breakdownFile} from './breakdown.js'
import {toCsv} from './csv.js'
import {buildMeta} from './meta.js'

/**
 * Checks, before any work, that DIR can be an output directory: a non-empty path, absent (then its
 * nearest existing ancestor must be a writable directory) or a writable directory.
 */
export function checkOutDir(dir: string, flag = '--out'): void {
  if (dir.trim() === '') throw new UsageError(`${flag}: empty path (expected a directory, e.g. ${flag} results)`)
  let isDir: boolean
  try {
    isDir = statSync(dir).isDirectory()
  } catch {
    checkCreatable(dir, flag, 'directory')
    return // absent: created when the results are written
  }
  if (!isDir)
    throw new UsageError(`${flag}: '${dir}' exists and is not a directory (expected a directory or a new path)`)
  if (!writable(dir)) throw new UsageError(`${flag}: '${dir}' is not writable (expected a directory you can write to)`)
}

/**
 * Checks, before any work, that FILE can be written: a non-empty path, not a directory, in a directory that exists or
 * can be made.
 */
export function checkOutFile(file: string, flag: string): void {
  if (file.trim() === '') throw new UsageError(`${flag}: empty path (expected a file name)`)
  let st
  try {
    st = statSync(file)
  } catch {
    checkCreatable(dirname(resolve(file)), flag, 'file', file)
    return
  }
  if (st.isDirectory()) throw new UsageError(`${flag}: '${file}' is a directory (expected a file name)`)
  if (!writable(file)) throw new UsageError(`${flag}: '${file}' is not writable`)
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return true
  } catch {
    return false
  }
}

/** The nearest existing ancestor of a path to create must be a directory we can write into. */
function checkCreatable(path: string, flag: string, what: string, shown = path): void {
  for (let p = resolve(path); ;) {
    let st
    try {
      st = statSync(p)
    } catch {
      const up = dirname(p)
      if (up === p) return
      p = up
      continue
    }
    if (!st.isDirectory()) throw new UsageError(`${flag}: cannot create ${what} '${shown}': '${p}' is not a directory`)
    if (!writable(p)) throw new UsageError(`${flag}: cannot create ${what} '${shown}': '${p}' is not writable`)
    return
  }
}

export function resultFiles(
  dir: string,
  runs: readonly ExperimentRun[],
  overrides: readonly string[] = [],
): OutputFile[] {
  return runs.flatMap((run) => [
    {path: join(dir, `${run.experiment.id}.csv`), data: toCsv(run.rows)},
    {
      path: join(dir, `${run.experiment.id}.meta.json`),
      data: JSON.stringify(buildMeta(run, overrides), null, 2) + '\n',
    },
    ...(run.breakdown ? [{path: join(dir, breakdownFile(run.experiment.id)), data: breakdownCsv(run.breakdown)}] : []),
  ])
}

/** `<id>.breakdown.csv` of each run: an earlier run's goes when this one has none (not asked for). */
export function breakdownPaths(dir: string, runs: readonly ExperimentRun[]): string[] {
  return runs.map((r) => join(dir, breakdownFile(r.experiment.id)))
}

/** Writes every run's files; returns the paths written. */
export function writeResults(dir: string, runs: readonly ExperimentRun[], overrides: readonly string[] = []): string[] {
  const files = resultFiles(dir, runs, overrides)
  writeOutputFiles(files, '--out', breakdownPaths(dir, runs))
  return files.map((f) => f.path)
}
