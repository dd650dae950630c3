import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { OPTA_EVENT_TYPES, OPTA_PERIODS } from '../../src/providers/opta/index.js'

describe('the mapping tables', () => {
  const doc = readFileSync(new URL('../../docs/providers/opta.md', import.meta.url), 'utf8')
  it('docs/providers/opta.md lists every type as the code maps it', () => {
    for (const [id, mapping] of Object.entries(OPTA_EVENT_TYPES)) {
      expect(doc, `type ${id}`).toContain(`| ${id} | ${mapping.name} | \`${mapping.type}\``)
    }
  })
  it('docs/providers/opta.md lists every period and what becomes of it', () => {
    for (const [id, name] of Object.entries(OPTA_PERIODS)) {
      const fate = Number(id) <= 5 ? `period ${id}` : 'dropped (deletions: period 1, `periodTime` 0)'
      expect(doc, `period ${id}`).toContain(`| ${id} | ${name} | ${fate} |`)
    }
  })
})
