// Opta's clocks. F24 `timestamp` (and qualifier 374, the goal time, in F24 and MA3 alike) are naive
// Europe/London wall-clock times; MA3 `timeStamp` is UTC with a `Z`. Parsed by hand, once per event: no
// regular expression, no Date object per event, no Intl (measured here: an Intl.DateTimeFormat-based
// London conversion takes ~7.6 ms for an F24's 1,652 timestamps, this one ~0.7 ms — ~10 % of the whole
// parse saved).

const HOUR = 3_600_000
const DAY = 86_400_000

/** How the digits after the seconds' dot are read. */
export type FractionStyle =
  /**
   * F24 `timestamp`: milliseconds that are not right-padded, so ".39" is 39 ms, not 390 ms ("15:02:14.39"
   * is 14.039 s). Four or more digits are read the way kloppy does (its zero-pad-then-strptime): ".7887" is
   * 788.7 ms.
   */
  | 'unpadded'
  /** ISO-8601 decimal fraction: ".39" is 390 ms (MA3 `timeStamp`, qualifier 374). */
  | 'decimal'

/** The zone of a naive date-time (one that ends in `Z` is UTC whatever this says). */
export type Zone = 'london' | 'utc'

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const

/**
 * `YYYY-MM-DDTHH:MM:SS[.fff][Z]` (a space instead of `T` too, as in qualifier 374) in UTC epoch
 * milliseconds, reading a naive time in `zone`; undefined when the text is not such a date-time.
 */
export function parseOptaTime(text: string, fraction: FractionStyle, zone: Zone): number | undefined {
  const n = text.length
  if (n < 19) return undefined
  const year = digits(text, 0, 4)
  const month = digits(text, 5, 2)
  const day = digits(text, 8, 2)
  const hour = digits(text, 11, 2)
  const minute = digits(text, 14, 2)
  const second = digits(text, 17, 2)
  const sep = text.charCodeAt(10)
  if (
    year < 1900 || // Date.UTC reads years 0-99 as 1900-1999; no feed predates 1900
    month < 1 ||
    month > 12 ||
    day < 1 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59 ||
    text.charCodeAt(4) !== 45 || // '-'
    text.charCodeAt(7) !== 45 ||
    (sep !== 84 && sep !== 32) || // 'T' or ' '
    text.charCodeAt(13) !== 58 || // ':'
    text.charCodeAt(16) !== 58
  ) {
    return undefined
  }
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  if (day > DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0)) return undefined
  let i = 19
  let ms = 0
  if (i < n && text.charCodeAt(i) === 46) {
    // '.': at least one digit, at most nine (a nanosecond clock); anything longer is not a time.
    const start = ++i
    let value = 0
    while (i < n) {
      const d = text.charCodeAt(i) - 48
      if (d < 0 || d > 9) break
      value = value * 10 + d
      i++
    }
    const count = i - start
    if (count === 0 || count > 9) return undefined
    if (fraction === 'unpadded') {
      // kloppy zero-pads the integer to three digits, then reads it as a fraction of a second.
      const width = value < 1000 ? 3 : String(value).length
      ms = value / 10 ** (width - 3)
    } else {
      ms = value / 10 ** (count - 3)
    }
  }
  let utc = zone === 'utc'
  if (i < n && text.charCodeAt(i) === 90) {
    // 'Z'
    utc = true
    i++
  }
  if (i !== n) return undefined
  const wallClock = Date.UTC(year, month - 1, day, hour, minute, second) + ms
  return utc ? wallClock : londonToUtc(wallClock)
}

function digits(text: string, at: number, count: number): number {
  let value = 0
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    value = value * 10 + d
  }
  return value
}

// British Summer Time of one year: [start, end) in UTC epoch ms, and that year's bounds. Cached: a match
// spans one year (two at most), so the Date calls run once per parse, not once per event.
let yearFrom = 0
let yearTo = 0
let bstStart = 0
let bstEnd = 0

/** 01:00 UTC on the last Sunday of `month` (0-based): when the UK changes its clocks (since 1996). */
function lastSundayOneAm(year: number, month: number): number {
  const lastDay = Date.UTC(year, month + 1, 0) // day 0 of the next month is this month's last day
  const weekday = new Date(lastDay).getUTCDay()
  return lastDay - weekday * DAY + HOUR
}

/**
 * A Europe/London wall-clock time (epoch ms of its fields read as UTC) in UTC epoch ms. BST (UTC+1) runs
 * from the last Sunday of March to the last Sunday of October, 01:00 UTC both. The skipped hour in March
 * (01:xx local does not exist) and the repeated hour in October (01:xx happens twice) resolve as Temporal's
 * `compatible` disambiguation and Python's `fold=0` do: the skipped hour is read as GMT, and the repeated
 * hour as its first (BST) occurrence.
 */
export function londonToUtc(wallClockMs: number): number {
  if (!(wallClockMs >= yearFrom && wallClockMs < yearTo)) {
    const year = new Date(wallClockMs).getUTCFullYear()
    yearFrom = Date.UTC(year, 0, 1)
    yearTo = Date.UTC(year + 1, 0, 1)
    bstStart = lastSundayOneAm(year, 2)
    bstEnd = lastSundayOneAm(year, 9)
  }
  const asBst = wallClockMs - HOUR
  return asBst >= bstStart && asBst < bstEnd ? asBst : wallClockMs
}
