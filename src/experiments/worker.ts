/**
 * Worker-thread entry (see pool.ts): loads the registry itself, then runs one task per message.
 * Errors go back as plain data; the pool decides what they mean.
 */
import {parentPort, workerData} from 'node:worker_threads'
import type {ReplyMessage, TaskMessage, WorkerSetup} from './pool.js'
import {findExperiment} from './registry.js'
import {runWithReads} from './sensitivity-reads.js'

const setup = workerData as WorkerSetup
const port = parentPort
if (!port) throw new Error('worker.ts must run as a worker thread')

port.on('message', ({index, task}: TaskMessage) => {
  let reply: ReplyMessage
  try {
    const def = findExperiment(task.experimentId)
    if (!def) throw new Error(`experiment '${task.experimentId}' is not in the registry the worker loaded`)
    const ctx = {seed: task.seed, quick: setup.quick, profile: setup.profile}
    const result = setup.trackReads
      ? runWithReads(def, task.point, task.system, ctx)
      : def.run(task.point, task.system, ctx)
    reply = {index, result}
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e))
    reply = {index, error: {name: err.name, message: err.message, stack: err.stack}}
  }
  port.postMessage(reply)
})
