import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { STATSBOMB_EVENT_TYPES } from '../../src/providers/statsbomb/index.js'

describe('the mapping table and the docs', () => {
  it('docs/providers/statsbomb.md lists every type id as the code maps it', () => {
    const doc = readFileSync(new URL('../../docs/providers/statsbomb.md', import.meta.url), 'utf8')
    for (const [id, mapping] of Object.entries(STATSBOMB_EVENT_TYPES)) {
      expect(doc, `${id} ${mapping.name}`).toContain(`| ${id} | ${mapping.name} | \`${mapping.type}\` |`)
    }
  })
})
