/**
 * The multiserver design's constants: the profile's `multiserver` group (IPC, granted copies,
 * restart), overridable per experiment with `options.multiserver`, and where its pieces run.
 */
import {checkMechanismOverrides} from '../../config/schema.js'
import {UsageError} from '../../errors.js'
import type {MachineParams} from '../../machine/params.js'
import type {DomainId} from '../types.js'

export type Placement = MachineParams['multiserver']['placement']
export const PLACEMENTS: readonly Placement[] = ['same-core', 'dedicated']

export type ServerName = 'storage' | 'network'
export const SERVERS: readonly ServerName[] = ['storage', 'network']

/** The kernel holding the applications (and, same-core, the servers' state). */
export const MICROKERNEL_DOMAIN = 'microkernel' as DomainId
/** Dedicated placement: the kernel object holding the servers' state on the servers' cores. */
export const SERVERS_DOMAIN = 'servers' as DomainId

export type MultiserverParams = MachineParams['multiserver']

/** Cores of each part. Same-core: applications (and servers with them) on every core. */
export interface MultiserverCores {
  app: number[]
  storage: number[]
  network: number[]
}

export function resolveMultiserverParams(
  profile: MultiserverParams,
  overrides: Partial<MultiserverParams> = {},
): MultiserverParams {
  checkMechanismOverrides('multiserver', overrides)
  const p = {...profile, ...overrides}
  if (!PLACEMENTS.includes(p.placement)) {
    throw new UsageError(
      `multiserver.placement: found ${String(p.placement)}, expected one of ${PLACEMENTS.join(', ')}`,
    )
  }
  return p
}

/**
 * Same-core: applications on the native kernel's cores, a server runs where its caller is.
 * Dedicated: VirtuOS's core split (cores.virtuos*), so the two designs compare on the same cores:
 * applications on the primary's, the storage server on the storage domain's, the network server on
 * the network domain's.
 */
export function multiserverCores(params: MachineParams, placement: Placement): MultiserverCores {
  const a = params.coreAllocation
  const range = (from: number, count: number) => Array.from({length: count}, (_, i) => from + i)
  if (placement === 'same-core') return {app: range(0, a.nativeApplication), storage: [], network: []}
  return {
    app: range(0, a.virtuosPrimary),
    storage: range(a.virtuosPrimary, a.virtuosStorage),
    network: range(a.virtuosPrimary + a.virtuosStorage, a.virtuosNetwork),
  }
}
