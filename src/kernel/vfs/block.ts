/**
 * The block layer: turns byte ranges into disk requests no larger than max_sectors and waits for
 * them. Requests of one call are issued back to back; the disk's own queue orders them.
 */
import type {Gen} from '../types.js'

/** What the block layer needs of the machine's disk: one request, returning when it completes. */
export interface DiskPort {
  transfer(offsetBytes: number, bytes: number, write: boolean): Gen<void>
}

export class BlockLayer {
  reads = 0
  writes = 0
  bytesRead = 0
  bytesWritten = 0
  constructor(
    private readonly disk: DiskPort,
    private readonly maxRequestBytes: number,
  ) {}

  *io(offsetBytes: number, bytes: number, write: boolean): Gen<void> {
    let done = 0
    while (done < bytes) {
      const n = Math.min(this.maxRequestBytes, bytes - done)
      if (write) {
        this.writes++
        this.bytesWritten += n
      } else {
        this.reads++
        this.bytesRead += n
      }
      yield* this.disk.transfer(offsetBytes + done, n, write)
      done += n
    }
  }
}
