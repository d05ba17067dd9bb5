/**
 * The per-process ready queue: a Michael-Scott lock-free FIFO of user-thread slots with tagged
 * indices (index + tag compared together, so recycled nodes cannot fool a CAS). Service-domain
 * workers enqueue threads whose calls completed; primary kernel threads dequeue them. `waiters`
 * counts primary kernel threads asleep on it (rqueue_wait): a worker notifies only when it is > 0.
 *
 * As in treiber.ts, operations are step generators (`yield` between atomic operations) so tests
 * can interleave actors; nodes come from a stamped Treiber stack of free nodes.
 */
import {NIL, runSteps, TreiberStack} from './treiber.js'

interface Tagged {
  readonly index: number
  readonly tag: number
}

const same = (a: Tagged, b: Tagged) => a.index === b.index && a.tag === b.tag

export class ReadyQueue {
  private head: Tagged
  private tail: Tagged
  private readonly next: Tagged[]
  private readonly value: Int32Array
  private readonly freeNodes: TreiberStack
  /** Primary kernel threads blocked in rqueue_wait on this queue. */
  waiters = 0
  enqueued = 0
  dequeued = 0

  constructor(readonly capacity: number) {
    const nodes = capacity + 1 // one dummy
    this.next = Array.from({length: nodes}, () => ({index: NIL, tag: 0}))
    this.value = new Int32Array(nodes).fill(NIL)
    this.freeNodes = new TreiberStack(nodes)
    for (let i = nodes - 1; i >= 1; i--) this.freeNodes.push(i)
    this.head = {index: 0, tag: 0}
    this.tail = {index: 0, tag: 0}
  }

  private casHead(expected: Tagged, index: number): boolean {
    if (!same(this.head, expected)) return false
    this.head = {index, tag: expected.tag + 1}
    return true
  }

  private casTail(expected: Tagged, index: number): boolean {
    if (!same(this.tail, expected)) return false
    this.tail = {index, tag: expected.tag + 1}
    return true
  }

  private casNext(node: number, expected: Tagged, index: number): boolean {
    if (!same(this.next[node], expected)) return false
    this.next[node] = {index, tag: expected.tag + 1}
    return true
  }

  /** False when no node is free (more waiting threads than entries). */
  *enqueueSteps(v: number): Generator<void, boolean, void> {
    const node = yield* this.freeNodes.popSteps()
    if (node === NIL) return false
    this.value[node] = v
    this.next[node] = {index: NIL, tag: this.next[node].tag + 1}
    yield
    for (;;) {
      const tail = this.tail
      yield
      const next = this.next[tail.index]
      yield
      if (!same(tail, this.tail)) continue
      if (next.index === NIL) {
        if (this.casNext(tail.index, next, node)) {
          yield
          this.casTail(tail, node)
          this.enqueued++
          return true
        }
      } else {
        this.casTail(tail, next.index) // help a lagging enqueuer
      }
      yield
    }
  }

  /** The value at the front, or NIL when empty. */
  *dequeueSteps(): Generator<void, number, void> {
    for (;;) {
      const head = this.head
      yield
      const tail = this.tail
      yield
      const next = this.next[head.index]
      yield
      if (!same(head, this.head)) continue
      if (head.index === tail.index) {
        if (next.index === NIL) return NIL
        this.casTail(tail, next.index)
      } else {
        const v = this.value[next.index]
        if (this.casHead(head, next.index)) {
          yield
          yield* this.freeNodes.pushSteps(head.index)
          this.dequeued++
          return v
        }
      }
      yield
    }
  }

  enqueue(v: number): boolean {
    return runSteps(this.enqueueSteps(v))
  }

  dequeue(): number {
    return runSteps(this.dequeueSteps())
  }

  get empty(): boolean {
    return this.next[this.head.index].index === NIL
  }

  /** Values front to back (bounded walk: a corrupted queue shows instead of looping). */
  contents(): number[] {
    const out: number[] = []
    let n = this.next[this.head.index].index
    while (n !== NIL && out.length <= this.capacity) {
      out.push(this.value[n])
      n = this.next[n].index
    }
    return out
  }

  get size(): number {
    return this.enqueued - this.dequeued
  }
}
