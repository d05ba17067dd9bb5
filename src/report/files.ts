/** `--out DIR`: `<id>.csv` and `<id>.meta.json` per experiment, all written or none. */
import {statSync} from 'node:fs'
import {join} from 'node:path'
import {UsageError} from '../errors.js'
import type {ExperimentRun} from '../experiments/runner.js'
import {writeOutputFiles, type OutputFile} from './atomic.js'
import {toCsv} from './csv.js'
import {buildMeta} from './meta.js'

/** Checks, before any work, that DIR can be an output directory (absent, or a directory). */
export function checkOutDir(dir: string): void {
  let isDir: boolean
  try {
    isDir = statSync(dir).isDirectory()
  } catch {
    return // absent: created when the results are written
  }
  if (!isDir) throw new UsageError(`--out: '${dir}' exists and is not a directory (expected a directory or a new path)`)
}

export function resultFiles(dir: string, runs: readonly ExperimentRun[], overrides: readonly string[] = []): OutputFile[] {
  return runs.flatMap((run) => [
    {path: join(dir, `${run.experiment.id}.csv`), data: toCsv(run.rows)},
    {path: join(dir, `${run.experiment.id}.meta.json`), data: JSON.stringify(buildMeta(run, overrides), null, 2) + '\n'},
  ])
}

/** Writes every run's files; returns the paths written. */
export function writeResults(dir: string, runs: readonly ExperimentRun[], overrides: readonly string[] = []): string[] {
  const files = resultFiles(dir, runs, overrides)
  writeOutputFiles(files, '--out')
  return files.map((f) => f.path)
}
