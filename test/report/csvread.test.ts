import {describe, expect, it} from 'vitest'
import {toCsv} from '../../src/report/csv.js'
import {parseCsv, readResultCsv} from '../../src/report/csvread.js'
import {copyRows, selftestRun} from './fixtures.js'

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, commas and newlines inside quotes, and CRLF', () => {
    expect(parseCsv('a,"b,c","say ""hi"""\r\n"x\ny",,z\n')).toEqual([
      ['a', 'b,c', 'say "hi"'],
      ['x\ny', '', 'z'],
    ])
  })
})

describe('readResultCsv', () => {
  it('reads back exactly the rows toCsv wrote (values, params with their types, empty native cells)', async () => {
    const run = await selftestRun()
    expect(readResultCsv(toCsv(run.rows), 'x.csv')).toEqual(run.rows)
    const rows = copyRows().map((r) => (r.system === 'flexsc' ? {...r, nativeValue: null, ratioVsNative: null} : r))
    expect(readResultCsv(toCsv(rows), 'y.csv')).toEqual(rows)
  })

  it('names the file, line and column of a bad cell', () => {
    const good = toCsv(copyRows().slice(0, 2))
    expect(() => readResultCsv(good.replace(/,us,lower,/, ',us,sideways,'), 'c.csv')).toThrow(
      /c\.csv:2: better 'sideways'/,
    )
    expect(() => readResultCsv('experiment,system\n', 'c.csv')).toThrow(/c\.csv: no 'metric' column/)
    expect(() => readResultCsv(good.split('\n')[0] + '\ncopy,native\n', 'c.csv')).toThrow(
      /c\.csv:2: 2 fields, expected/,
    )
  })
})
