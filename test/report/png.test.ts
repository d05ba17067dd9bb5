import {describe, expect, it} from 'vitest'
import {svgToPng} from '../../src/report/png.js'

const svg = (body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><rect width="120" height="30" fill="white"/>${body}</svg>`
const text = (family: string) => svg(`<text x="4" y="20" font-family="${family}" font-size="14">latency (ns)</text>`)

describe('svgToPng', () => {
  it('renders a PNG at twice the SVG size, the same bytes every time', () => {
    const png = Buffer.from(svgToPng(text('Helvetica, Arial, sans-serif')))
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([240, 60]) // IHDR width, height
    expect(Buffer.from(svgToPng(text('Helvetica, Arial, sans-serif'))).equals(png)).toBe(true)
  })

  it('draws text with the shipped font whatever family the chart names (no system font needed)', () => {
    const blank = Buffer.from(svgToPng(svg('')))
    for (const family of ['Helvetica, Arial, sans-serif', 'NoSuchFont'])
      expect(Buffer.from(svgToPng(text(family))).equals(blank)).toBe(false)
    // different strings give different images: the glyphs are drawn, not boxes of one shape
    const other = Buffer.from(
      svgToPng(svg('<text x="4" y="20" font-family="sans-serif" font-size="14">throughput</text>')),
    )
    expect(other.equals(Buffer.from(svgToPng(text('sans-serif'))))).toBe(false)
  })
})
