/**
 * The package as a user gets it: `npm pack` (its prepare step builds dist/), then
 * `npm install -g --prefix TMP <tarball>` and `virtuos bench list` run from outside the checkout.
 * The pack runs in a copy of the checkout (sharing node_modules), so the build does not replace the
 * dist/ other test files are running. It takes 20-60 s on a busy machine: it runs when
 * VIRTUOS_INSTALL_TEST=1, which .ci/run sets.
 */
import {execFileSync} from 'node:child_process'
import {cpSync, mkdtempSync, readdirSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ROOT} from '../cli/build.js'

const enabled = process.env.VIRTUOS_INSTALL_TEST === '1'
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
/** The checkout's files the package is made from. */
const SOURCES = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'README.md',
  'bin',
  'src',
  'configs',
  'workloads',
  'schemas',
  'scripts',
]

describe.runIf(enabled)('install from a packed tarball', () => {
  it('packs what the CLI needs, installs into a prefix and runs from outside the checkout', () => {
    const work = mkdtempSync(join(tmpdir(), 'virtuos-install-'))
    const copy = join(work, 'checkout')
    for (const f of SOURCES) cpSync(join(ROOT, f), join(copy, f), {recursive: true})
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir')
    // Drop the outer npm's settings (vitest may run under `npm test`).
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)))
    const quiet = {
      cwd: copy,
      env,
      encoding: 'utf8' as const,
      stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
    }
    execFileSync(npm, ['pack', '--pack-destination', work], quiet)
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))
    expect(tarball).toBeDefined()
    const files = execFileSync('tar', ['tzf', join(work, tarball!)], {encoding: 'utf8'}).split('\n')
    for (const needed of [
      'package/bin/run.js',
      'package/dist/commands/bench/list.js',
      'package/configs/xeon-e5520.json',
      'package/workloads/oltp.json',
      'package/package.json',
    ]) {
      expect(files).toContain(needed)
    }
    expect(files.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/') || f.endsWith('.map'))).toBe(
      false,
    )

    const prefix = join(work, 'prefix')
    execFileSync(
      npm,
      ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball!)],
      {...quiet, cwd: work},
    )
    const bin = process.platform === 'win32' ? join(prefix, 'virtuos.cmd') : join(prefix, 'bin', 'virtuos')
    const out = execFileSync(bin, ['bench', 'list', '--json'], {cwd: tmpdir(), env, encoding: 'utf8'})
    const list = JSON.parse(out) as {id: string}[]
    expect(list.map((e) => e.id)).toContain('syscall-overhead')
    // a profile and a workload file load from the installed package: a tiny real run
    const csv = execFileSync(
      bin,
      ['bench', 'run', 'syscall-overhead', '--format', 'csv', '--jobs', '1', '--system', 'native'],
      {cwd: tmpdir(), env, encoding: 'utf8'},
    )
    expect(csv.split('\n')[0]).toMatch(/^experiment,system,/)
  }, 180_000)
})
