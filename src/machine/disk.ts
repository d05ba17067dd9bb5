/**
 * A 7200 RPM disk with a request queue. Service = controller overhead + seek (by distance: track to
 * track .. full stroke, the average at 1/3 stroke) + rotational latency (from the platter's angular
 * position at the end of the seek) + transfer. The platter's angle at t=0 is not zero: a real disk has
 * been spinning since power-on, so its phase against the run's clock is arbitrary; the workload layer
 * draws it from the 'disk-phase' stream (setRotationalPhase), else it is 0. A request that starts
 * where the previous one ended skips seek and rotation (the head is there; read-ahead/write cache).
 * Queue discipline: FIFO or C-LOOK (ascending sweep, jump back to the lowest pending sector).
 */
import {InvariantError} from '../errors.js'
import type {Cycles} from './cost.js'
import type {EventHost} from './events.js'
import type {MachineParams} from './params.js'

export type DiskSchedule = 'fifo' | 'clook'

export interface DiskRequest {
  sector: number
  bytes: number
  write: boolean
}

export interface DiskGeometry {
  sectorsPerTrack: number
  tracks: number
}

/** Track size from the media rate: one revolution passes one track under the head. */
export function diskGeometry(params: MachineParams): DiskGeometry {
  const d = params.disk
  const sectorsPerTrack = Math.max(1, Math.floor((d.transferBytesPerCycle * d.rotation) / d.sectorBytes))
  const tracks = Math.max(1, Math.ceil(d.capacityBytes / (sectorsPerTrack * d.sectorBytes)))
  return {sectorsPerTrack, tracks}
}

/** Seek time for a move of `distance` tracks: sqrt-shaped up to 1/3 stroke (avg), then linear to full stroke. */
export function seekTime(params: MachineParams, distance: number): Cycles {
  const d = params.disk
  if (distance <= 0) return 0
  const f = Math.min(1, distance / diskGeometry(params).tracks)
  const t =
    f <= 1 / 3
      ? d.trackSeek + (d.avgSeek - d.trackSeek) * Math.sqrt(3 * f)
      : d.avgSeek + (d.fullSeek - d.avgSeek) * ((f - 1 / 3) / (2 / 3))
  return Math.round(t)
}

/** Wait at time `at` until `sector` comes under the head. */
export function rotationalLatency(params: MachineParams, at: number, sector: number, phase = 0): Cycles {
  const rot = params.disk.rotation
  const spt = diskGeometry(params).sectorsPerTrack
  const head = ((at + phase) % rot) / rot
  const target = (sector % spt) / spt
  return Math.round(((((target - head) % 1) + 1) % 1) * rot)
}

export function transferTime(params: MachineParams, bytes: number): Cycles {
  return Math.ceil(bytes / params.disk.transferBytesPerCycle)
}

export function trackOf(params: MachineParams, sector: number): number {
  return Math.floor(sector / diskGeometry(params).sectorsPerTrack)
}

interface Pending {
  req: DiskRequest
  done: (completedAt: number) => void
  submittedAt: number
}

export class Disk {
  private readonly queue: Pending[] = []
  private busy = false
  /** Sector after the last one transferred (where the head is). */
  private nextSector = 0
  /** Cycles of rotation already done at t=0 (the sector under the head at t=0 is phase/rotation of a track). */
  private phase = 0
  served = 0
  busyCycles = 0
  totalLatency = 0

  constructor(
    private readonly host: EventHost,
    readonly params: MachineParams,
    readonly schedule: DiskSchedule = 'clook',
  ) {}

  /** The platter's angular position at t=0, as cycles into a revolution: 0 <= phase < rotation. */
  setRotationalPhase(phase: number): void {
    if (!Number.isSafeInteger(phase) || phase < 0 || phase >= this.params.disk.rotation) {
      throw new InvariantError(
        `disk rotational phase ${phase}: expected an integer in [0, ${this.params.disk.rotation})`,
      )
    }
    this.phase = phase
  }

  get rotationalPhase(): number {
    return this.phase
  }

  get queueLength(): number {
    return this.queue.length + (this.busy ? 1 : 0)
  }

  /** Queue a request; `done` runs at its completion time. */
  submit(req: DiskRequest, done: (completedAt: number) => void): void {
    const sectors = Math.ceil(req.bytes / this.params.disk.sectorBytes)
    if (
      req.sector < 0 ||
      (req.sector + sectors) * this.params.disk.sectorBytes > this.params.disk.capacityBytes ||
      req.bytes <= 0
    ) {
      throw new InvariantError(`disk request out of range: sector ${req.sector}, ${req.bytes} bytes`)
    }
    this.queue.push({req, done, submittedAt: this.host.now})
    if (!this.busy) this.startNext()
  }

  /** Service time of `req` if it started now, and the head position after it. */
  serviceTime(req: DiskRequest, start: number): Cycles {
    const d = this.params.disk
    if (req.sector === this.nextSector) return d.controllerOverhead + transferTime(this.params, req.bytes)
    const seek = seekTime(
      this.params,
      Math.abs(trackOf(this.params, req.sector) - trackOf(this.params, this.nextSector)),
    )
    const rot = rotationalLatency(this.params, start + d.controllerOverhead + seek, req.sector, this.phase)
    return d.controllerOverhead + seek + rot + transferTime(this.params, req.bytes)
  }

  private pick(): number {
    if (this.schedule === 'fifo') return 0
    const window = Math.min(this.queue.length, Math.max(1, this.params.disk.queueDepth))
    let ahead = -1
    let lowest = 0
    for (let i = 0; i < window; i++) {
      const s = this.queue[i].req.sector
      if (s >= this.nextSector && (ahead < 0 || s < this.queue[ahead].req.sector)) ahead = i
      if (s < this.queue[lowest].req.sector) lowest = i
    }
    return ahead >= 0 ? ahead : lowest
  }

  private startNext(): void {
    if (this.queue.length === 0) {
      this.busy = false
      return
    }
    this.busy = true
    const [job] = this.queue.splice(this.pick(), 1)
    const start = this.host.now
    const service = this.serviceTime(job.req, start)
    this.nextSector = job.req.sector + Math.ceil(job.req.bytes / this.params.disk.sectorBytes)
    this.busyCycles += service
    this.host.at(start + service, () => {
      this.served++
      this.totalLatency += this.host.now - job.submittedAt
      job.done(this.host.now)
      this.startNext()
    })
  }
}
