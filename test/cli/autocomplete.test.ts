/** Shell completion (@oclif/plugin-autocomplete): the cache it builds knows every command and flag. */
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {ensureBuilt, ROOT} from './build.js'

beforeAll(() => ensureBuilt())

describe('virtuos autocomplete', () => {
  it('builds bash and zsh completions naming the commands and their flags (in the cache dir, not the home)', () => {
    const cache = mkdtempSync(join(tmpdir(), 'virtuos-ac-'))
    const env = {...process.env, XDG_CACHE_HOME: cache, FORCE_COLOR: '0'}
    const out = execFileSync(process.execPath, [join(ROOT, 'bin/run.js'), 'autocomplete', 'bash'], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    })
    expect(out).toMatch(/virtuos autocomplete script bash/)
    const bash = readFileSync(join(cache, 'virtuos/autocomplete/functions/bash/virtuos.bash'), 'utf8')
    for (const cmd of ['bench:compare', 'bench:diff', 'bench:report', 'bench:run', 'config:validate'])
      expect(bash).toContain(cmd)
    expect(bash).toMatch(/bench:compare [^\n]*--junit/)
    expect(readFileSync(join(cache, 'virtuos/autocomplete/functions/zsh/_virtuos'), 'utf8')).toMatch(
      /--metric-tolerance/,
    )
    const script = execFileSync(process.execPath, [join(ROOT, 'bin/run.js'), 'autocomplete', 'script', 'bash'], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    })
    expect(script).toContain(join(cache, 'virtuos/autocomplete/bash_setup'))
  }, 60_000)
})
