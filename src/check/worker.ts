/** Worker-thread entry of the DST sweep (sweep.ts): runs its seeds, posting each result. */
import {parentPort, workerData} from 'node:worker_threads'
import {runCheck} from './run.js'
import type {CheckWorkerData} from './sweep.js'

const port = parentPort
if (!port) throw new Error('check/worker.ts must run as a worker thread')
const data = workerData as CheckWorkerData
for (const seed of data.seeds) port.postMessage(runCheck(seed, data.params))
