/**
 * Gigabit Ethernet: frames serialise at wire rate, one queue per direction (full duplex), then
 * cross the link latency to the client hosts. TCP payload is cut into MSS-sized segments. The host
 * CPU pays a per-packet cost on send and receive, plus receive interrupts, coalesced.
 */
import {InvariantError} from '../errors.js'
import type {Cycles} from './cost.js'
import type {EventHost} from './events.js'
import type {MachineParams} from './params.js'

/** Smallest Ethernet frame on the wire: 64-byte frame + 8 preamble + 12 inter-frame gap. */
export const MIN_WIRE_BYTES = 84

export function mss(params: MachineParams): number {
  return params.nic.mtuBytes - params.nic.tcpIpHeaderBytes
}

/** Segments for `bytes` of TCP payload (0 bytes: none). */
export function segments(params: MachineParams, bytes: number): number {
  if (!(bytes >= 0)) throw new InvariantError(`segments of ${bytes} bytes`)
  return Math.ceil(bytes / mss(params))
}

/** Bytes on the wire for one segment carrying `payload` bytes. */
export function wireBytes(params: MachineParams, payload: number): number {
  if (payload > mss(params)) throw new InvariantError(`payload ${payload} exceeds MSS ${mss(params)}`)
  return Math.max(MIN_WIRE_BYTES, payload + params.nic.tcpIpHeaderBytes + params.nic.frameOverheadBytes)
}

/** Cycles to serialise `bytes` at wire rate (fractional: callers keep exact time per link). */
export function wireTime(params: MachineParams, bytes: number): number {
  return (bytes * 8 * params.clockHz) / params.nic.wireBitsPerSecond
}

/** TCP goodput of a stream of full segments, bits per second (1500 MTU -> ~941.5 Mb/s). */
export function maxGoodput(params: MachineParams): number {
  return (mss(params) * 8 * params.nic.wireBitsPerSecond) / (wireBytes(params, mss(params)) * 8)
}

/** CPU cycles to send `packets` packets. */
export function txCpu(params: MachineParams, packets: number): Cycles {
  return packets * params.nic.txPacketCycles
}

/** CPU cycles to receive `packets` packets, with their share of (coalesced) interrupts. */
export function rxCpu(params: MachineParams, packets: number): Cycles {
  const n = params.nic
  return packets * n.rxPacketCycles + Math.ceil(packets / Math.max(1, n.framesPerInterrupt)) * n.interrupt
}

export interface Frame<T = unknown> {
  payload: number
  data: T
}

/** One direction of the link: frames serialise FIFO at wire rate, then fly for the link latency. */
export class LinkDirection {
  /** Exact (fractional) time the transmitter is free. */
  private freeAt = 0
  frames = 0
  payloadBytes = 0

  constructor(
    private readonly host: EventHost,
    readonly params: MachineParams,
  ) {}

  /** Queue a frame; `arrive` runs when its last bit reaches the far end. Returns that time. */
  send<T>(frame: Frame<T>, arrive: (frame: Frame<T>, at: number) => void): number {
    const start = Math.max(this.host.now, this.freeAt)
    this.freeAt = start + wireTime(this.params, wireBytes(this.params, frame.payload))
    const at = Math.ceil(this.freeAt) + this.params.nic.linkLatency
    this.frames++
    this.payloadBytes += frame.payload
    this.host.at(at, () => arrive(frame, at))
    return at
  }

  /** When the transmitter drains its queue. */
  get idleAt(): number {
    return Math.ceil(this.freeAt)
  }
}

/**
 * The server's NIC: `tx` to the clients, `rx` from them. Receive interrupts are moderated
 * adaptively, as e1000e's dynamic ITR and NAPI do: a frame that finds the NIC idle (nothing pending,
 * the last interrupt at least one moderation interval ago) interrupts at once, so a lone request
 * pays no moderation delay. Frames arriving within the interval wait for its end, or until
 * `framesPerInterrupt` are pending. An interval that ends with several frames waiting (load)
 * doubles the next one, up to nic.maxInterruptDelay; one that ends with a single frame halves
 * it, and an arrival that finds the NIC idle resets it to nic.minInterruptGap, so a
 * request/response pace is not held back by an interval grown during an earlier burst.
 */
export class Nic {
  readonly tx: LinkDirection
  readonly rx: LinkDirection
  interrupts = 0
  private pending: Frame[] = []
  private timerArmed = false
  /** Bumped by every interrupt, so a timer armed before it does nothing. */
  private generation = 0
  private lastFireAt = -Infinity
  private readonly minGap: number
  private readonly maxGap: number
  /** The current moderation interval (cycles). */
  private gap: number
  /** The NIC's interrupt line (see connectInterrupt). */
  private onInterrupt: (frames: Frame[], at: number) => void = () => {}
  private connected = false

  /** Wire the NIC's interrupt line to its owner's handler (the kernel's Network); once. */
  connectInterrupt(handler: (frames: Frame[], at: number) => void): void {
    if (this.connected) throw new Error('nic: the interrupt line is already connected')
    this.connected = true
    this.onInterrupt = handler
  }

  constructor(
    private readonly host: EventHost,
    readonly params: MachineParams,
  ) {
    this.tx = new LinkDirection(host, params)
    this.rx = new LinkDirection(host, params)
    this.maxGap = params.nic.maxInterruptDelay
    this.minGap = Math.min(this.maxGap, params.nic.minInterruptGap)
    this.gap = this.minGap
  }

  /** A client sends a frame to the server. */
  receive(frame: Frame): number {
    return this.rx.send(frame, (f) => this.arrived(f))
  }

  private arrived(frame: Frame): void {
    this.pending.push(frame)
    if (this.pending.length >= Math.max(1, this.params.nic.framesPerInterrupt)) {
      this.fire()
      return
    }
    if (this.timerArmed) return
    const readyAt = this.lastFireAt + this.gap
    if (this.pending.length === 1 && this.host.now >= readyAt) {
      // idle: interrupt now, and the next interval starts short again
      this.gap = this.minGap
      this.fire()
      return
    }
    this.timerArmed = true
    const gen = this.generation
    this.host.at(Math.max(this.host.now, readyAt), () => {
      if (gen !== this.generation || this.pending.length === 0) return
      // several frames waited: load, so moderate harder; a single one: back off towards low latency
      this.gap =
        this.pending.length > 1 ? Math.min(this.maxGap, this.gap * 2) : Math.max(this.minGap, Math.round(this.gap / 2))
      this.fire()
    })
  }

  private fire(): void {
    const frames = this.pending
    this.pending = []
    this.timerArmed = false
    this.generation++
    this.lastFireAt = this.host.now
    this.interrupts++
    this.onInterrupt(frames, this.host.now)
  }
}
