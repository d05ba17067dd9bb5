import {describe, expect, it} from 'vitest'
import {colourFor} from '../../src/cli/colour.js'

describe('colour', () => {
  it('NO_COLOR (non-empty) turns colour off; FORCE_COLOR wins over it; else the detected level', () => {
    expect(colourFor({NO_COLOR: '1'}, 3).level).toBe(0)
    expect(colourFor({NO_COLOR: ''}, 3).level).toBe(3)
    expect(colourFor({NO_COLOR: '1', FORCE_COLOR: '1'}, 2).level).toBe(2)
    expect(colourFor({}, 1).level).toBe(1)
    expect(colourFor({NO_COLOR: '1'}, 3).bold('x')).toBe('x')
  })
})
