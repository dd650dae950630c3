import { describe, expect, it } from 'vitest'
import { HEADLINE_DIFF_RULES } from '../../src/providers/headline/headline.js'
import { EventLedger } from '../../src/providers/polling/event-ledger.js'
import { makeEvent } from '../helpers/events.js'

describe('EventLedger', () => {
  const e = (id: string, overrides = {}) =>
    makeEvent({ provider: 'api-football', matchId: '1', providerEventId: id, ...overrides })

  it('emits new ids at 0, changes at +1, removals as deletions at +1, and nothing for a replay', () => {
    const ledger = new EventLedger(HEADLINE_DIFF_RULES)
    const first = ledger.diffSnapshot('1', [e('goal:a'), e('card:b'), e('status:period_start:1')])
    expect(first.map((x) => [x.providerEventId, x.version, x.deleted])).toEqual([
      ['goal:a', 0, false],
      ['card:b', 0, false],
      ['status:period_start:1', 0, false],
    ])
    ledger.commit(first)
    expect(ledger.diffSnapshot('1', [e('goal:a'), e('card:b'), e('status:period_start:1')])).toEqual([])
    const second = ledger.diffSnapshot('1', [e('goal:a', { minute: 3 })])
    expect(second.map((x) => [x.providerEventId, x.version, x.deleted, x.minute])).toEqual([
      ['goal:a', 1, false, 3],
      ['card:b', 1, true, 0],
    ])
    ledger.commit(second)
    const back = ledger.diffSnapshot('1', [e('goal:a', { minute: 3 }), e('card:b')])
    expect(back.map((x) => [x.providerEventId, x.version, x.deleted])).toEqual([['card:b', 2, false]])
  })

  it('compares goals inferred from the score by id only', () => {
    const ledger = new EventLedger(HEADLINE_DIFF_RULES)
    ledger.commit(ledger.diffSnapshot('1', [e('score:home:1', { minute: 10 })]))
    expect(ledger.diffSnapshot('1', [e('score:home:1', { minute: 14 })])).toEqual([])
  })

  it('commits only what it is given: an undelivered batch is diffed again', () => {
    const ledger = new EventLedger(HEADLINE_DIFF_RULES)
    const batch = ledger.diffSnapshot('1', [e('goal:a')])
    expect(ledger.diffSnapshot('1', [e('goal:a')])).toEqual(batch)
    ledger.commit(batch)
    expect(ledger.events('1')).toEqual(batch)
  })
})
