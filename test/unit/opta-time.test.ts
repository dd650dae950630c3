import { describe, expect, it } from 'vitest'
import { parseOptaF24 } from '../../src/providers/opta/index.js'
import { londonToUtc, parseOptaTime } from '../../src/providers/opta/opta-time.js'
import { byId, fixture } from '../helpers/opta.js'

describe('London time', () => {
  it('reads F24 timestamps as kloppy does (kloppy-conventions items 18–20)', () => {
    expect(new Date(parseOptaTime('2018-09-23T15:02:13.608', 'unpadded', 'london')!).toISOString()).toBe(
      '2018-09-23T14:02:13.608Z',
    )
    expect(new Date(parseOptaTime('2018-09-23T15:02:14.39', 'unpadded', 'london')!).toISOString()).toBe(
      '2018-09-23T14:02:14.039Z',
    )
    expect(parseOptaTime('2018-09-23T16:56:37.7887', 'unpadded', 'london')).toBe(
      Date.UTC(2018, 8, 23, 15, 56, 37, 788) + 0.7,
    )
    expect(parseOptaTime('2018-09-23 16:07:48.5', 'decimal', 'london')).toBe(
      Date.UTC(2018, 8, 23, 15, 7, 48, 500),
    )
    expect(parseOptaTime('2021-09-11T18:30:08.862Z', 'decimal', 'utc')).toBe(
      Date.UTC(2021, 8, 11, 18, 30, 8, 862),
    )
  })

  it('changes at 01:00 UTC on the last Sundays of March and October', () => {
    const at = (text: string) => new Date(parseOptaTime(text, 'unpadded', 'london')!).toISOString()
    // Spring 2023: 00:59:59 GMT, then 01:xx does not exist, then 02:00 BST.
    expect(at('2023-03-26T00:59:59.999')).toBe('2023-03-26T00:59:59.999Z')
    expect(at('2023-03-26T01:30:00.000')).toBe('2023-03-26T01:30:00.000Z') // skipped hour: read as GMT
    expect(at('2023-03-26T02:00:00.000')).toBe('2023-03-26T01:00:00.000Z')
    // Autumn 2023: 01:xx happens twice; read as its first (BST) occurrence, then 02:00 GMT.
    expect(at('2023-10-29T00:59:59.000')).toBe('2023-10-28T23:59:59.000Z')
    expect(at('2023-10-29T01:30:00.000')).toBe('2023-10-29T00:30:00.000Z')
    expect(at('2023-10-29T02:00:00.000')).toBe('2023-10-29T02:00:00.000Z')
    expect(at('2023-12-31T23:59:59.000')).toBe('2023-12-31T23:59:59.000Z')
  })

  it('agrees with Intl (the IANA database) every 7 hours 13 minutes from 1996 to 2040', () => {
    const format = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    let checked = 0
    for (let utc = Date.UTC(1996, 0, 1); utc < Date.UTC(2040, 0, 1); utc += (7 * 60 + 13) * 60_000) {
      const p = Object.fromEntries(format.formatToParts(utc).map((part) => [part.type, Number(part.value)]))
      const wallClock = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!)
      // The repeated autumn hour reads as its first occurrence: skip its second one.
      const back = londonToUtc(wallClock)
      if (back !== utc) expect(back).toBe(utc - 3_600_000)
      else checked++
    }
    expect(checked).toBeGreaterThan(53_000)
  })

  it('converts a whole F24 across the spring change', () => {
    const events = byId(parseOptaF24(fixture('f24-dst.xml')))
    expect(events.get('9100000002')).toMatchObject({
      timestamp: '2023-03-26T00:59:59.009Z',
      periodTime: 1799.009,
    })
    // 02:00:00.05 BST (".05" is 5 ms) is 01:00:00.005 UTC: 30 minutes after the 00:30 GMT kick-off.
    expect(events.get('9100000003')).toMatchObject({
      timestamp: '2023-03-26T01:00:00.005Z',
      periodTime: 1800.005,
    })
    // An explicit timestamp_utc wins over the London timestamp.
    expect(events.get('9100000004')).toMatchObject({
      timestamp: '2023-03-26T01:01:00.000Z',
      periodTime: 1860,
    })
  })
})
