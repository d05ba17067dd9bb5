/** `--shard K/N` on bench run and bench paper: run the shard's tasks, write its file into --out. */
import {join} from 'node:path'
import {Flags} from '@oclif/core'
import {runShard} from '../experiments/runner.js'
import {shardPicks, type Shard} from '../experiments/shard.js'
import type {ExperimentDef, SystemId} from '../experiments/types.js'
import {writeOutputFiles} from '../report/atomic.js'
import {shardFileName, shardFileText, shardRunInfo, type ShardRunInfo} from '../report/shardfile.js'
import {createProgress} from '../report/progress.js'
import {progressPlan, type RunSetup} from './setup.js'

export const shardFlag = Flags.string({
  description:
    'run only shard K of N of the tasks (a deterministic split) and write DIR/shard-K-of-N.json; `bench merge` joins the N shards into the files of the unsharded run',
  helpValue: 'K/N',
})

/** `--json` of a sharded run (schemas/shard-run.schema.json). */
export interface ShardRunJson {
  shard: Shard
  file: string
  tasks: number
  experiments: string[]
}

export async function runShardToFile(
  command: ShardRunInfo['command'],
  defs: readonly ExperimentDef[],
  setup: RunSetup,
  shard: Shard,
  out: string,
  systems?: readonly SystemId[],
): Promise<ShardRunJson> {
  const label = `bench ${command} --shard ${shard.index}/${shard.count}`
  // the bar counts the shard's own tasks of each experiment
  const plan = progressPlan(defs, setup.quick, systems, setup.replicates)
  const picks = shardPicks(
    plan.map((p) => p.tasks),
    shard,
  )
  const progress = createProgress(label, {plan: plan.map((p, k) => ({id: p.id, tasks: picks[k].length}))})
  const results = await runShard(defs, {...setup, systems, onTaskDone: (d, t) => progress.update(d, t)}, shard).finally(
    () => progress.stop(),
  )
  const info = shardRunInfo(command, {...setup, systems, experiments: defs.map((d) => d.id)})
  const file = join(out, shardFileName(shard))
  writeOutputFiles([{path: file, data: shardFileText(info, results)}], '--out')
  const tasks = results.experiments.reduce((n, e) => n + e.indices.length, 0)
  return {shard, file, tasks, experiments: defs.map((d) => d.id)}
}

export const shardLine = (j: ShardRunJson) =>
  `shard ${j.shard.index}/${j.shard.count}: ${j.tasks} tasks of ${j.experiments.join(', ')} -> ${j.file} (join the shards with \`bench merge\`)\n`
