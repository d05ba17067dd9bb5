/**
 * Xen split-driver constants (blkfront/blkback, netfront/netback of Linux 3.x) and the model
 * estimates they need, as parameters with defaults. The estimates are profile constants (the
 * profile's `driverDomain` group, resolved into MachineParams.driverDomain); experiments override
 * any parameter with `options.driverDomain`.
 */
import {checkMechanismOverrides} from '../../config/schema.js'
import {UsageError} from '../../errors.js'
import type {CoreAllocation, MachineParams} from '../../machine/params.js'
import type {DomainId} from '../types.js'

/**
 * The driver domain's id. types.ts has no name for it (it knows native, primary, storage, network),
 * so the driver domain is 'driver' at run time; the guest is 'primary' (the domain running the
 * applications, as under VirtuOS).
 */
export const DRIVER_DOMAIN = 'driver' as DomainId
export const GUEST_DOMAIN: DomainId = 'primary'

export interface DriverDomainCores {
  guest: number[]
  driver: number[]
}

export interface DriverDomainParams {
  /** null = the profile's split (profileDriverDomainCores). */
  cores: DriverDomainCores | null
  /** Requests in flight on the blkif ring (one 4 KiB ring page: 32 slots). */
  blkRingSlots: number
  /** Data pages (segments) one blkif request slot carries (BLKIF_MAX_SEGMENTS_PER_REQUEST = 11). */
  blkSegmentsPerSlot: number
  /** How blkback reaches the guest's data pages: map each page (default), or grant copy it. */
  blkData: 'map' | 'copy'
  /** Frames in flight on a netif ring (NET_TX/RX_RING_SIZE = 256 for a 4 KiB ring page). */
  netRingSlots: number
  /** How netback moves frame data: grant copy into/out of the guest's page (Linux netback), or map. */
  netData: 'map' | 'copy'
  /** Profile (driverDomain.blkRequestInstructions, estimate): blkfront/blkback per request, each side. */
  blkRequestInstructions: number
  /** Profile (driverDomain.netFrameInstructions, estimate): netfront/netback + bridge per frame, each side. */
  netFrameInstructions: number
  /** Profile (driverDomain.xenbusReconnect, estimate): cycles from a restarted domain's boot to its backends back. */
  xenbusReconnect: number
}

/** The parameters whose defaults are Linux's split-driver values (the rest come from the profile). */
export type SplitDriverParams = Omit<DriverDomainParams, keyof MachineParams['driverDomain']>

export const defaultDriverDomainParams: SplitDriverParams = {
  cores: null,
  blkRingSlots: 32,
  blkSegmentsPerSlot: 11,
  blkData: 'map',
  netRingSlots: 256,
  netData: 'copy',
}

/**
 * The split the profile gives (group `cores`: driverDomainGuest, then driverDomainDriver, from core
 * 0). On the E5520 box 4 + 4: the guest on 0-3, the same application cores as VirtuOS's primary,
 * the driver domain on 4-7, the other socket, like VirtuOS's two service domains together.
 */
export function profileDriverDomainCores(allocation: CoreAllocation): DriverDomainCores {
  const {driverDomainGuest: guest, driverDomainDriver: driver} = allocation
  return {
    guest: Array.from({length: guest}, (_, i) => i),
    driver: Array.from({length: driver}, (_, i) => guest + i),
  }
}

/** Linux's defaults, the profile's constants, then the overrides; the profile's keys checked by its spec table. */
export function resolveDriverDomainParams(
  machine: Pick<MachineParams, 'cores' | 'coreAllocation'>,
  profile: MachineParams['driverDomain'],
  overrides: Partial<DriverDomainParams> = {},
): DriverDomainParams & {cores: DriverDomainCores} {
  checkMechanismOverrides('driverDomain', overrides)
  const p: DriverDomainParams = {...defaultDriverDomainParams, ...profile, ...overrides}
  for (const key of ['blkRingSlots', 'blkSegmentsPerSlot', 'netRingSlots'] as const) {
    if (!Number.isInteger(p[key]) || p[key] < 1) {
      throw new UsageError(`driverDomain.${key}: found ${p[key]}, expected an integer >= 1`)
    }
  }
  for (const key of ['blkData', 'netData'] as const) {
    if (p[key] !== 'map' && p[key] !== 'copy') {
      throw new UsageError(`driverDomain.${key}: found "${p[key]}", expected map or copy`)
    }
  }
  const machineCores = machine.cores
  const cores = p.cores ?? profileDriverDomainCores(machine.coreAllocation)
  const seen = new Set<number>()
  for (const side of ['guest', 'driver'] as const) {
    if (cores[side].length === 0) {
      throw new UsageError(`driverDomain.cores.${side}: found no cores, expected at least one`)
    }
    for (const c of cores[side]) {
      if (!Number.isInteger(c) || c < 0 || c >= machineCores) {
        throw new UsageError(`driverDomain.cores.${side}: found core ${c}, expected 0..${machineCores - 1}`)
      }
      if (seen.has(c)) throw new UsageError(`driverDomain.cores.${side}: core ${c} is given to both domains`)
      seen.add(c)
    }
  }
  return {...p, cores}
}
