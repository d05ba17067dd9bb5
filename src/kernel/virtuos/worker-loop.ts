/**
 * What a service-domain worker does: poll its group's submitted stack (yielding its CPU, as
 * sched_yield would) while the domain's running workers are at most MIN_RUNNING_THREADS, sleep
 * after 5000 empty polls or when more run, serve a request by running the kernel's handler for the
 * mirror process, and retire when its group goes away.
 */
import {after, TIMED_OUT, Wakeup} from '../engine.js'
import type {Gen, SyscallResult} from '../types.js'
import type {CallEntry} from './call-page.js'
import type {Request} from './request.js'
import type {ServiceDomainRuntime} from './service-runtime.js'
import type {Worker, WorkerState} from './worker.js'
import {Act} from '../ledger.js'
import {FLOW} from '../flow.js'

export function* workerLoop(d: ServiceDomainRuntime, w: Worker): Gen<void> {
  const g = w.group
  const sched = d.kernel.sched
  for (;;) {
    if (w.ghost || w.state === 'gone') return
    if (g.dead) return retire(d, w)
    yield* sched.acquire(w.thread)
    const core = w.thread.cpu!
    const look = g.hasPending ? g.submittedLine.atomic(core) : g.submittedLine.read(core)
    yield* sched.compute(w.thread, look, Act.queue)
    if (g.dead) return retire(d, w)
    const e = g.pages.take()
    if (e) {
      yield* serve(d, w, e)
      if ((w.state as WorkerState) === 'gone') return
      continue
    }
    if (d.wake.runningCount > d.minRunning) {
      yield* sleep(d, w)
      continue
    }
    const got = yield* poll(d, w)
    if (got === 'yield') continue // sched_yield gave the vCPU to a waiting thread; back now
    if (got === TIMED_OUT) {
      w.emptyPolls = 0
      d.wake.request()
      yield* sleep(d, w)
      continue
    }
    w.emptyPolls = 0
    yield* sched.compute(w.thread, Math.round(d.pollPeriod / 2), Act.polling) // the push landed mid-iteration
  }
}

/**
 * Poll the submitted stack until a push, until the empty polls run out, or until a thread waits for
 * this vCPU: the worker polls and calls sched_yield in a loop, holding its vCPU meanwhile (so the
 * time is busy and serving workers queue behind it), and yields at the end of the poll in progress
 * when another thread is runnable there (an address-space switch if it serves another process).
 */
function* poll(d: ServiceDomainRuntime, w: Worker): Gen<true | 'yield' | typeof TIMED_OUT> {
  const g = w.group
  const sim = d.ctx.sim
  const period = d.pollPeriod
  const budget = Math.max(1, (d.ctx.vparams.emptyPollsBeforeWake - w.emptyPolls) * period)
  const seen = new Wakeup<true | 'yield'>(sim)
  g.pollers.add(seen)
  const t0 = sim.now
  const atNextPoll = () => after(sim, period - ((sim.now - t0) % period), () => seen.fire('yield'))
  const got = yield* d.kernel.sched.holdPolling(w.thread, seen.wait(budget), atNextPoll, Act.polling)
  g.pollers.delete(seen)
  const spent = sim.now - t0
  d.ctx.stats.pollCycles += spent
  if (got !== 'yield') return got
  d.ctx.stats.pollYields++
  w.emptyPolls += Math.floor(spent / period)
  yield* d.kernel.sched.yield(w.thread)
  return 'yield'
}

function* sleep(d: ServiceDomainRuntime, w: Worker): Gen<void> {
  if (w.group.dead) return
  w.state = 'sleeping'
  d.wake.addRunning(-1)
  d.wake.addSleeping(1)
  d.sleepers.add(w)
  if (d.needsWake()) d.wake.request()
  // The double check of a sleep without lost wake-ups: announced as sleeping (the submitter's next
  // look at the wake word sees it), the worker looks at the stack once more before it blocks; a push
  // that came while it was deciding to sleep (after its last poll, before the announcement) is
  // served now instead of waiting for a wake that its submitter, having found no sleeper, never sent.
  if (w.group.hasPending) {
    d.wakeWorker(w)
    return
  }
  d.ctx.stats.workerSleeps++
  w.wake = new Wakeup<true>(d.ctx.sim)
  yield* d.kernel.sched.block(w.thread, w.wake.wait())
  w.wake = null
}

function* serve(d: ServiceDomainRuntime, w: Worker, e: CallEntry): Gen<void> {
  const g = w.group
  const req = e.request as Request
  const sched = d.kernel.sched
  g.idle--
  w.state = 'serving'
  w.current = req
  // The group's last poller stopped polling with work still queued: if its other idle workers
  // sleep, only a wake event reaches them now (else that request waits unseen).
  if (g.hasPending && d.needsWake()) d.wake.request()
  if (g.idle === 0) {
    // the last idle worker took a request: another one first (one per concurrently blocked call)
    yield* sched.compute(w.thread, d.kernel.handlerCycles('fork'), Act.handlerCold)
    if (!g.dead) d.spawnWorker(g)
  }
  d.kernel.flows.step('serve', FLOW.remoteCall, req.id, w.thread)
  yield* sched.compute(w.thread, g.entryLine(e).read(w.thread.cpu ?? d.irqCore), Act.queue)
  const result = yield* run(d, w, req)
  if (w.ghost) {
    // the VM is gone: nobody sees this result; the thread ends
    d.ghosts.delete(w.thread)
    w.state = 'gone'
    sched.exit(w.thread)
    return
  }
  yield* sched.acquire(w.thread)
  const core = w.thread.cpu!
  d.kernel.flows.step('served', FLOW.remoteCall, req.id, w.thread)
  yield* sched.compute(w.thread, g.entryLine(e).atomic(core), Act.queue)
  w.current = null
  w.served++
  g.idle++
  w.state = 'polling'
  if (g.dead || req.answered) return
  const enqueue = g.pages.complete(e, result)
  g.answer(req, result)
  const bill = w.thread.bill()
  const cost = g.owner.completed(req, enqueue, core, false, bill)
  if (cost > 0) yield* sched.computeBill(w.thread, bill.exact(cost, Act.queue))
}

/** The handler (the kernel core's), run by the worker for the mirror process. */
function* run(d: ServiceDomainRuntime, w: Worker, req: Request): Gen<SyscallResult> {
  const op = req.op
  const ctx = {kernel: d.kernel, thread: w.thread, process: w.group.mirror}
  if (op.kind === 'setcred') {
    yield* d.kernel.sched.compute(w.thread, d.kernel.handlerCycles('getpid'), Act.handlerCold)
    w.group.mirror.cred = {uid: op.uid, gid: op.gid}
    return {ret: 0}
  }
  return yield* d.kernel.invoke({...ctx, name: op.name}, op.name, op.args as never)
}

function retire(d: ServiceDomainRuntime, w: Worker): void {
  if (w.state === 'gone') return
  if (w.state === 'sleeping') {
    d.wake.addSleeping(-1)
    d.sleepers.delete(w)
  } else if (w.state !== 'blocked') {
    d.wake.addRunning(-1)
  }
  w.state = 'gone'
  d.kernel.sched.exit(w.thread)
  w.group.mirror.threads.delete(w.thread)
}
