/**
 * The per-mode IPC metrics every system reports (FlexSC's Figure 4 view): user-mode and
 * kernel-mode instructions per cycle over the whole run, all cores and domains, from the machine's
 * counters (src/machine/counters.ts). 0 when the run retired no modelled instruction in that mode.
 */
import type {Machine} from '../machine/machine.js'
import type {MetricDef} from './types.js'

export const MODE_IPC_METRICS: readonly MetricDef[] = [
  {
    name: 'u_ipc',
    unit: 'IPC',
    better: 'higher',
    description: 'user-mode instructions per cycle (refill stalls after kernel work and copies lower it)',
  },
  {
    name: 'k_ipc',
    unit: 'IPC',
    better: 'higher',
    description: 'kernel-mode instructions per cycle of the handlers (warm handlers raise it)',
  },
]

export function modeIpc(machine: Machine): {u_ipc: number; k_ipc: number} {
  return {u_ipc: machine.counters.ipc({mode: 'user'}), k_ipc: machine.counters.ipc({mode: 'kernel'})}
}
