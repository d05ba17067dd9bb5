/**
 * report.html in a real browser: Debian's chromium, driven by playwright-core (no browser download),
 * opens a small report made in-process and every chart must render (an SVG with marks) with no
 * error on the console and no request leaving the file. Skipped, saying why, only when no chromium
 * is installed and this is not CI (CI=true fails instead: .ci/run installs chromium).
 */
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {chromium} from 'playwright-core'
import {describe, expect, it} from 'vitest'
import {HTML_FILE, htmlReportData, renderHtml} from '../../src/report/html.js'
import {claimsJson} from '../../src/report/paper.js'
import {fixtureRuns} from './html-fixture.js'

/** CHROMIUM_PATH, when set, is the only place looked at. */
const CANDIDATES = process.env.CHROMIUM_PATH
  ? [process.env.CHROMIUM_PATH]
  : ['/usr/bin/chromium', '/usr/bin/chromium-browser']
const browser = CANDIDATES.find((p) => existsSync(p))
const ci = process.env.CI === 'true' || process.env.CI === '1'
const skip = browser === undefined && !ci
if (skip)
  process.stderr.write(
    `html-browser.test.ts: skipped, no chromium found (looked at ${CANDIDATES.join(', ')}); install it with apt-get install chromium\n`,
  )

/** What a chart's SVG draws data with: lines, points, bars, interval rules. */
const MARKS = '.mark-line path, .mark-symbol path, .mark-rect path, .mark-rule line'

describe('report.html in headless chromium', () => {
  it.skipIf(skip)(
    `renders every chart with marks and logs no error${skip ? ' (skipped: no chromium; apt-get install chromium)' : ''}`,
    async () => {
      expect(browser, `no chromium at ${CANDIDATES.join(', ')}: CI must install it (.ci/run)`).toBeDefined()
      const runs = await fixtureRuns()
      const dir = mkdtempSync(join(tmpdir(), 'virtuos-html-'))
      const file = join(dir, HTML_FILE)
      const data = htmlReportData(runs, claimsJson(runs), 'charts')
      writeFileSync(file, renderHtml(data))
      // each experiment's charts and the design-space chart
      const charts = data.experiments.flatMap((e) => e.charts).length + 1
      expect(data.designSpace?.chart).not.toBeNull()
      // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start
      const b = await chromium.launch({executablePath: browser, args: ['--no-sandbox']})
      try {
        const page = await b.newPage()
        const problems: string[] = []
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(`console: ${m.text()}`)
        })
        page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
        page.on('request', (r) => {
          if (!r.url().startsWith('file:')) problems.push(`request: ${r.url()}`)
        })
        await page.goto(pathToFileURL(file).href)
        await page.waitForSelector('body[data-charts]', {timeout: 30_000})
        expect(await page.getAttribute('body', 'data-charts')).toBe('rendered')
        const marks = await page.$$eval(
          '.chart',
          (els, sel) => els.map((e) => (e.querySelector('svg') ? e.querySelectorAll(sel).length : -1)),
          MARKS,
        )
        expect(marks).toHaveLength(charts)
        for (const [i, n] of marks.entries()) expect(n, `chart ${i}: marks in its SVG`).toBeGreaterThan(0)
        // hovering a point shows its values
        await page.hover('#chart-0 .mark-symbol path')
        await expect
          .poll(() => page.$eval('#vg-tooltip-element', (e) => e.textContent ?? '').catch(() => ''))
          .toMatch(/system\s*(native|virtuos)/)
        // clicking a system in the legend fades the other systems' marks
        const faded = () => page.$$eval('#chart-0 [opacity="0.12"]', (els) => els.length)
        expect(await faded()).toBe(0)
        await page.click('#chart-0 .role-legend-label text >> nth=0')
        await expect.poll(faded).toBeGreaterThan(0)
        expect(problems).toEqual([])
      } finally {
        await b.close()
      }
    },
  )
})
