import { MatchfeedError } from '../errors.js'

/** A set of addresses and CIDR ranges, IPv4 and IPv6. */
export interface IpAllowlist {
  /** Whether `ip` is inside one of the ranges. Invalid addresses never match. */
  allows(ip: string): boolean
}

// IPv4 as an unsigned 32-bit number, IPv6 as a 128-bit bigint. An IPv4-mapped IPv6 address
// (::ffff:a.b.c.d) is the IPv4 address: both spellings match the same ranges.
type Address = { v: 4; n: number } | { v: 6; n: bigint }
interface V4Range {
  net: number
  mask: number
}
interface V6Range {
  net: bigint
  mask: bigint
}

const MAPPED_PREFIX = 0xffffn << 32n
const ALL_128 = (1n << 128n) - 1n

/**
 * Builds an allowlist from `'203.0.113.0/24'`, `'2001:db8::/32'` or single addresses. An invalid entry,
 * or a range with host bits set (`203.0.113.7/24`, usually a typo for a different prefix length), is a
 * MatchfeedError `invalid_ip_range` naming the entry. An empty list allows nothing.
 */
export function createIpAllowlist(ranges: readonly string[]): IpAllowlist {
  if (!Array.isArray(ranges)) {
    throw new MatchfeedError('IP allowlist must be an array of addresses or CIDR ranges', {
      code: 'invalid_ip_range',
    })
  }
  const v4: V4Range[] = []
  const v6: V6Range[] = []
  ranges.forEach((entry, index) => {
    const range = parseRange(entry, index)
    if ('v4' in range) v4.push(range.v4)
    else v6.push(range.v6)
  })
  return {
    allows(ip: string): boolean {
      const addr = typeof ip === 'string' ? parseAddress(ip.trim()) : undefined
      if (addr === undefined) return false
      if (addr.v === 4) {
        for (const r of v4) if ((addr.n & r.mask) >>> 0 === r.net) return true
        if (v6.length === 0) return false
        // A v6 range can contain the mapped form (e.g. ::/0, ::ffff:0:0/96).
        const mapped = MAPPED_PREFIX | BigInt(addr.n)
        return v6.some((r) => (mapped & r.mask) === r.net)
      }
      return v6.some((r) => (addr.n & r.mask) === r.net)
    },
  }
}

/**
 * The address of the client. `X-Forwarded-For` is read only when `trustedProxies` is given and the
 * socket peer is one of them (otherwise anyone could claim any address); the list is walked right to
 * left, skipping trusted proxies, and the first untrusted address is the client. When every hop is
 * trusted, the left-most is returned. An invalid entry met on the walk gives `undefined` (unknown), since
 * nothing to its left can be trusted either. Ports (`1.2.3.4:5678`) and brackets (`[2001:db8::1]:443`)
 * are stripped from forwarded entries.
 */
export function clientIp(
  remoteAddress: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies?: IpAllowlist,
): string | undefined {
  const remote = remoteAddress?.trim()
  if (remote === undefined || remote === '') return undefined
  if (trustedProxies === undefined || forwardedFor === undefined || !trustedProxies.allows(remote))
    return remote
  const hops = forwardedFor.split(',')
  if (hops.every((hop) => hop.trim() === '')) return remote
  let client = remote
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = stripPort(hops[i]!.trim())
    if (hop === undefined || parseAddress(hop) === undefined) return undefined
    client = hop
    if (!trustedProxies.allows(hop)) return hop
  }
  return client
}

function stripPort(hop: string): string | undefined {
  if (hop.startsWith('[')) return /^\[([^\]]+)\](?::\d{1,5})?$/.exec(hop)?.[1]
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(hop)
  return v4WithPort ? v4WithPort[1] : hop
}

function parseRange(entry: unknown, index: number): { v4: V4Range } | { v6: V6Range } {
  const invalid = (why: string) =>
    new MatchfeedError(
      `IP allowlist entry #${index + 1} ${typeof entry === 'string' ? JSON.stringify(entry) : `(${typeof entry})`} ${why}`,
      { code: 'invalid_ip_range' },
    )
  if (typeof entry !== 'string') throw invalid('is not a string')
  const text = entry.trim()
  const slash = text.indexOf('/')
  const host = slash < 0 ? text : text.slice(0, slash)
  const isV6 = host.includes(':')
  const n = isV6 ? parseV6(host) : parseV4(host)
  if (n === undefined) throw invalid('is not an IPv4 or IPv6 address or CIDR range')
  const max = isV6 ? 128 : 32
  let bits = max
  if (slash >= 0) {
    const len = text.slice(slash + 1)
    if (!/^(0|[1-9][0-9]{0,2})$/.test(len) || Number(len) > max) {
      throw invalid(`has an invalid prefix length (expected /0 to /${max})`)
    }
    bits = Number(len)
  }
  // Inside ::ffff:0:0/96 a v6 range is a v4 range (the allowlist compares mapped addresses as IPv4).
  if (typeof n === 'bigint' && n >> 32n === 0xffffn && bits >= 96)
    return v4Range(Number(n & 0xffffffffn), bits - 96, invalid)
  if (typeof n === 'number') return v4Range(n, bits, invalid)
  const mask = bits === 0 ? 0n : (ALL_128 << BigInt(128 - bits)) & ALL_128
  if ((n & mask) !== n) throw invalid('has host bits set (the address part must be the first of the range)')
  return { v6: { net: n, mask } }
}

function v4Range(n: number, bits: number, invalid: (why: string) => MatchfeedError): { v4: V4Range } {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
  const net = (n & mask) >>> 0
  if (net !== n) throw invalid(`has host bits set (did you mean ${v4ToString(net)}/${bits}?)`)
  return { v4: { net, mask } }
}

/** Parses an IPv4 or IPv6 literal; an IPv4-mapped IPv6 address becomes IPv4. */
function parseAddress(text: string): Address | undefined {
  if (text.includes(':')) {
    const n = parseV6(text)
    if (n === undefined) return undefined
    return n >> 32n === 0xffffn ? { v: 4, n: Number(n & 0xffffffffn) } : { v: 6, n }
  }
  const n = parseV4(text)
  return n === undefined ? undefined : { v: 4, n }
}

// Dotted quad only; leading zeros are refused because some parsers read them as octal.
const V4 =
  /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/

function parseV4(text: string): number | undefined {
  if (!V4.test(text)) return undefined
  const [a, b, c, d] = text.split('.').map(Number) as [number, number, number, number]
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0
}

function v4ToString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

const GROUP = /^[0-9a-fA-F]{1,4}$/

// RFC 4291 text forms: eight groups, one `::` for a run of zero groups, optionally a dotted-quad tail.
// Zone ids (`fe80::1%eth0`) are refused: they are interface-local and have no place in an allowlist.
function parseV6(text: string): bigint | undefined {
  if (text.length > 45) return undefined
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const parse = (part: string): number[] | undefined => {
    if (part === '') return []
    const groups: number[] = []
    const pieces = part.split(':')
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseV4(piece)
        if (v4 === undefined) return undefined
        groups.push(v4 >>> 16, v4 & 0xffff)
      } else if (GROUP.test(piece)) {
        groups.push(Number.parseInt(piece, 16))
      } else {
        return undefined
      }
    }
    return groups
  }
  const head = parse(halves[0]!)
  const tail = halves.length === 2 ? parse(halves[1]!) : []
  if (head === undefined || tail === undefined) return undefined
  // A dotted-quad tail is only allowed at the very end.
  if (halves.length === 2 && halves[0]!.includes('.')) return undefined
  let groups: number[]
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return undefined
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail]
  } else {
    if (head.length !== 8) return undefined
    groups = head
  }
  let n = 0n
  for (const g of groups) n = (n << 16n) | BigInt(g)
  return n
}
