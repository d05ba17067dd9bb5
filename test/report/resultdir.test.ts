import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {csvIds} from '../../src/report/resultdir.js'

describe('csvIds', () => {
  it("lists the experiments' CSVs of a folder, not the design-space summary, hidden files or other files", () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtuos-resultdir-'))
    for (const f of ['oltp.csv', 'ttcp.csv', 'design-space.csv', '.oltp.csv.1.tmp.csv', 'REPORT.md'])
      writeFileSync(join(dir, f), '')
    expect(csvIds(dir, 'DIR')).toEqual(['oltp', 'ttcp'])
  })
})
