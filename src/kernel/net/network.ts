/**
 * The Ethernet as the kernel sees it: this machine's NIC (src/machine Nic: wire-rate serialisation
 * each way, link latency, coalesced receive interrupts) and the client hosts behind it. Frames from
 * the server go out on the NIC's tx direction; frames from a client come in on its rx direction
 * and reach the server stack in interrupt batches. Client hosts have their own stacks and cores.
 */
import type {Frame, Nic} from '../../machine/nic.js'
import type {Delivery} from './irq.js'
import type {NetStack} from './stack.js'

/** The name of this machine on the network. */
export const SERVER_HOST = 'server'

export class Network {
  private readonly stacks = new Map<string, NetStack>()
  private server: NetStack | null = null
  /** Who takes the NIC's receive interrupts instead of the server stack (see setInterruptSink). */
  private sink: ((frames: Frame[]) => void) | null = null

  constructor(readonly nic: Nic) {
    // the Network is the NIC's owner: the one handler on the NIC's interrupt line
    nic.connectInterrupt((frames) => {
      if (this.sink !== null) this.sink(frames)
      else this.server?.receiveBatch(frames.map((f) => f.data as Delivery))
    })
  }

  /** The NIC's interrupts go to `sink` (a driver domain's netback), not to the server stack. */
  setInterruptSink(sink: (frames: Frame[]) => void): void {
    this.sink = sink
  }

  /** Plug a host's stack in (`server` is the one owning this machine's NIC). */
  attachStack(host: string, stack: NetStack): void {
    this.stacks.set(host, stack)
    if (host === SERVER_HOST) this.server = stack
  }

  /** The NIC moves to another stack (a restarted network domain takes it over). */
  reattach(host: string, stack: NetStack): void {
    this.attachStack(host, stack)
  }

  stack(host: string): NetStack | undefined {
    return this.stacks.get(host)
  }

  /** Carry a frame with `payload` bytes from host `from` to host `to`; it arrives once processed there. */
  send(from: string, to: string, payload: number, delivery: Delivery): void {
    if (from === SERVER_HOST) {
      const client = this.stacks.get(to)
      if (!client) throw new Error(`no host ${to} on the network`)
      this.nic.tx.send<Delivery>({payload, data: delivery}, (f: Frame<Delivery>) => client.receiveBatch([f.data]))
    } else if (to === SERVER_HOST) {
      this.nic.receive({payload, data: delivery})
    } else {
      throw new Error(`client-to-client traffic (${from} -> ${to}) is not modelled`)
    }
  }
}
