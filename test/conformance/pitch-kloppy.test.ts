// Real data: every location kloppy reports for the shared StatsBomb and Stats Perform matches, against the
// pitch transforms alone (the full event-by-event comparison comes with the provider parsers).
import { expect, it } from 'vitest'
import { statsBombCellCentre, toCanonicalX, toCanonicalY } from '../../src/pitch/index.js'
import { describeShared, readShared, readSharedNdjson } from '../helpers/shared.js'

interface KloppyLine {
  id: string
  loc: { x: number; y: number } | null
  end: { x: number; y: number; z?: number } | null
  type: string
}
const CM = 0.01

describeShared('pitch transforms against kloppy on real matches', () => {
  it('StatsBomb 15946: start locations and pass / carry ends agree to 1 cm', () => {
    type SbEvent = {
      id: string
      type: { name: string }
      location?: number[]
      pass?: { end_location: number[] }
      carry?: { end_location: number[] }
    }
    const events = JSON.parse(readShared('fixtures/statsbomb/statsbomb_event.json')) as SbEvent[]
    // kloppy's per-file fidelity: v2 when any Pass/Carry/Dribble location (xy) or Shot location is fractional.
    const fractional = (names: string[]) =>
      events.some((e) => names.includes(e.type.name) && e.location?.some((v) => !Number.isInteger(v)))
    const xy = fractional(['Pass', 'Carry', 'Dribble']) ? 'v2' : 'v1'
    const shot = fractional(['Shot']) ? 'v2' : 'v1'
    const byId = new Map(events.map((e) => [e.id, e]))
    const toCanonical = (p: number[], fidelity: 'v1' | 'v2') => ({
      x: toCanonicalX('statsbomb', statsBombCellCentre(p[0]!, fidelity)),
      y: toCanonicalY('statsbomb', statsBombCellCentre(p[1]!, fidelity)),
    })

    let starts = 0
    let ends = 0
    for (const line of readSharedNdjson<KloppyLine>('conformance/kloppy/statsbomb_15946.ndjson')) {
      const event = byId.get(line.id)
      if (!event || !line.loc || !event.location) continue
      const ours = toCanonical(event.location, event.type.name === 'Shot' ? shot : xy)
      expect(Math.abs(ours.x - line.loc.x), line.id).toBeLessThan(CM)
      expect(Math.abs(ours.y - line.loc.y), line.id).toBeLessThan(CM)
      starts++
      const end = event.pass?.end_location ?? event.carry?.end_location
      if (end && line.end) {
        const oursEnd = toCanonical(end, xy)
        expect(Math.abs(oursEnd.x - line.end.x), line.id).toBeLessThan(CM)
        expect(Math.abs(oursEnd.y - line.end.y), line.id).toBeLessThan(CM)
        ends++
      }
    }
    expect(starts).toBeGreaterThan(3900)
    expect(ends).toBeGreaterThan(2000)
  })

  it('Stats Perform MA3: every start location agrees to 1 cm', () => {
    const ma3 = JSON.parse(readShared('fixtures/statsperform/statsperform_event_ma3.json')) as {
      liveData: { event: { id: number; x: number; y: number }[] }
    }
    const byId = new Map(ma3.liveData.event.map((e) => [String(e.id), e]))
    let compared = 0
    for (const line of readSharedNdjson<KloppyLine>('conformance/kloppy/statsperform_ma3.ndjson')) {
      const event = byId.get(line.id)
      if (!event || !line.loc) continue
      expect(Math.abs(toCanonicalX('opta', event.x) - line.loc.x), line.id).toBeLessThan(CM)
      expect(Math.abs(toCanonicalY('opta', event.y) - line.loc.y), line.id).toBeLessThan(CM)
      compared++
    }
    expect(compared).toBeGreaterThan(1600)
  })
})
