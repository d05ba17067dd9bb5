/**
 * Progress of a long run on stderr, drawn only when stderr is a terminal: piped output and CI logs
 * stay clean, and stdout (which may carry CSV) is never touched.
 */
import cliProgress from 'cli-progress'

export interface Progress {
  update(done: number, total: number): void
  stop(): void
}

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return {update() {}, stop() {}}
  const bar = new cliProgress.SingleBar(
    {stream, format: `${label} [{bar}] {value}/{total} runs  {eta_formatted} left`, hideCursor: true, clearOnComplete: true},
    cliProgress.Presets.shades_classic,
  )
  let started = false
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0)
        started = true
      }
      bar.update(done)
    },
    stop() {
      if (started) bar.stop()
    },
  }
}
