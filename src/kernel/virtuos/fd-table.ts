/**
 * The user library's fd table (1024 slots): each slot names the domain owning the descriptor and
 * the descriptor's number inside that domain. Local descriptors live in the primary kernel; the
 * slot number the program sees need not equal the primary's fd (both tables pick their lowest
 * free number independently). `incarnation` remembers which life of a service domain opened it,
 * so descriptors into a crashed domain read as stale (EBADF) until re-opened.
 */
import type {DomainId, Fd} from '../types.js'

export type LibDomain = Exclude<DomainId, 'native'>

export interface FdSlot {
  readonly domain: LibDomain
  readonly fd: Fd
  readonly incarnation: number
  /** A library epoll spanning domains: its per-domain epoll fds (the slot's own fd is unused). */
  readonly epoll?: Map<LibDomain, Fd>
}

export class LibFdTable {
  private readonly slots: (FdSlot | undefined)[]

  constructor(readonly size = 1024) {
    this.slots = new Array(size)
  }

  get(fd: Fd): FdSlot | undefined {
    return fd >= 0 && fd < this.size ? this.slots[fd] : undefined
  }

  /** The lowest free slot >= min, or -1 (EMFILE). */
  lowestFree(min = 0): Fd {
    for (let i = Math.max(0, min); i < this.size; i++) if (!this.slots[i]) return i
    return -1
  }

  install(slot: FdSlot, min = 0): Fd {
    const fd = this.lowestFree(min)
    if (fd >= 0) this.slots[fd] = slot
    return fd
  }

  set(fd: Fd, slot: FdSlot): void {
    this.slots[fd] = slot
  }

  remove(fd: Fd): FdSlot | undefined {
    const s = this.get(fd)
    if (s) this.slots[fd] = undefined
    return s
  }

  /** The library slot that maps (domain, fd), if any (to translate fds coming back from a domain). */
  find(domain: LibDomain, fd: Fd): Fd {
    return this.slots.findIndex((s) => s !== undefined && s.domain === domain && s.fd === fd)
  }

  entries(): [Fd, FdSlot][] {
    const out: [Fd, FdSlot][] = []
    this.slots.forEach((s, i) => s && out.push([i, s]))
    return out
  }

  /** fork: the child starts with a copy (the domains duplicate their side). */
  clone(): LibFdTable {
    const t = new LibFdTable(this.size)
    for (const [fd, s] of this.entries()) t.set(fd, s.epoll ? {...s, epoll: new Map(s.epoll)} : s)
    return t
  }

  /** exec: the table as the library saves it to a file (bytes: 8 per used slot). */
  serializedBytes(): number {
    return 8 * this.entries().length
  }
}
