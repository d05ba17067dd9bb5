/**
 * PNG copies of the SVG charts, for readers and tools that cannot show SVG. resvg renders without a
 * browser; text uses DejaVu Sans shipped as an npm package (never the system's fonts), so a chart
 * renders the same, and legibly, on any machine, and the same SVG always gives the same bytes.
 */
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {Resvg} from '@resvg/resvg-js'

const require = createRequire(import.meta.url)
const FONT_DIR = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf')
export const CHART_FONT = 'DejaVu Sans'
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf'].map((f) => join(FONT_DIR, f))

/** Pixels per SVG unit: 2 keeps 9-11 px axis labels sharp when the image is shown at its SVG size. */
const ZOOM = 2

export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: {mode: 'zoom', value: ZOOM},
    // Every family the charts name (Helvetica, Arial, sans-serif) falls back to the shipped font.
    font: {loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: CHART_FONT, sansSerifFamily: CHART_FONT},
  })
  return new Uint8Array(resvg.render().asPng())
}
