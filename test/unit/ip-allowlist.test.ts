import { describe, expect, it } from 'vitest'
import { MatchfeedError } from '../../src/errors.js'
import { clientIp, createIpAllowlist } from '../../src/webhooks/ip-allowlist.js'

function rangeError(ranges: unknown[]): MatchfeedError {
  let thrown: unknown
  try {
    createIpAllowlist(ranges as string[])
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(MatchfeedError)
  expect((thrown as MatchfeedError).code).toBe('invalid_ip_range')
  return thrown as MatchfeedError
}

describe('IPv4 ranges', () => {
  it('/24 boundaries', () => {
    const list = createIpAllowlist(['203.0.113.0/24'])
    expect(list.allows('203.0.113.0')).toBe(true)
    expect(list.allows('203.0.113.255')).toBe(true)
    expect(list.allows('203.0.112.255')).toBe(false)
    expect(list.allows('203.0.114.0')).toBe(false)
  })

  it('non-octet boundaries: /1, /31, /9', () => {
    const low = createIpAllowlist(['0.0.0.0/1'])
    expect(low.allows('127.255.255.255')).toBe(true)
    expect(low.allows('128.0.0.0')).toBe(false)
    const pair = createIpAllowlist(['198.51.100.6/31'])
    expect(
      ['198.51.100.5', '198.51.100.6', '198.51.100.7', '198.51.100.8'].map((ip) => pair.allows(ip)),
    ).toEqual([false, true, true, false])
    const nine = createIpAllowlist(['10.128.0.0/9'])
    expect(nine.allows('10.127.255.255')).toBe(false)
    expect(nine.allows('10.128.0.0')).toBe(true)
    expect(nine.allows('10.255.255.255')).toBe(true)
  })

  it('/32 and a bare address match exactly one address', () => {
    for (const range of ['192.0.2.7/32', '192.0.2.7']) {
      const list = createIpAllowlist([range])
      expect(list.allows('192.0.2.7')).toBe(true)
      expect(list.allows('192.0.2.6')).toBe(false)
      expect(list.allows('192.0.2.8')).toBe(false)
    }
  })

  it('/0 matches every IPv4 address (and its mapped form) but no IPv6 address', () => {
    const list = createIpAllowlist(['0.0.0.0/0'])
    for (const ip of ['0.0.0.0', '255.255.255.255', '8.8.8.8', '::ffff:8.8.8.8'])
      expect(list.allows(ip)).toBe(true)
    expect(list.allows('2001:db8::1')).toBe(false)
    expect(list.allows('::1')).toBe(false)
  })
})

describe('IPv6 ranges', () => {
  it('/32 boundaries', () => {
    const list = createIpAllowlist(['2001:db8::/32'])
    expect(list.allows('2001:db8::')).toBe(true)
    expect(list.allows('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(true)
    expect(list.allows('2001:db7:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(false)
    expect(list.allows('2001:db9::')).toBe(false)
  })

  it('/127 and /128', () => {
    const pair = createIpAllowlist(['2001:db8::/127'])
    expect(pair.allows('2001:db8::')).toBe(true)
    expect(pair.allows('2001:db8::1')).toBe(true)
    expect(pair.allows('2001:db8::2')).toBe(false)
    const one = createIpAllowlist(['2001:db8::1/128'])
    expect(one.allows('2001:db8::1')).toBe(true)
    expect(one.allows('2001:db8::0')).toBe(false)
    expect(one.allows('2001:db8::2')).toBe(false)
  })

  it('accepts every RFC 4291 spelling of an address', () => {
    const list = createIpAllowlist(['2001:db8::1'])
    for (const ip of [
      '2001:db8::1',
      '2001:0DB8:0000:0000:0000:0000:0000:0001',
      '2001:db8:0:0::0:1',
      '2001:DB8::1',
    ]) {
      expect(list.allows(ip)).toBe(true)
    }
    const nat64 = createIpAllowlist(['64:ff9b::/96'])
    expect(nat64.allows('64:ff9b::192.0.2.33')).toBe(true)
    expect(nat64.allows('64:ff9b::c000:221')).toBe(true)
  })

  it('::/0 matches every IPv6 address, and IPv4 addresses through their mapped form', () => {
    const list = createIpAllowlist(['::/0'])
    for (const ip of ['::', '::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db8::1', '192.0.2.1']) {
      expect(list.allows(ip)).toBe(true)
    }
  })
})

describe('IPv4-mapped IPv6 addresses are their IPv4 address', () => {
  it('a mapped address matches an IPv4 range, dotted or hex spelling', () => {
    const list = createIpAllowlist(['203.0.113.0/24'])
    expect(list.allows('::ffff:203.0.113.5')).toBe(true)
    expect(list.allows('::FFFF:cb00:7105')).toBe(true) // 203.0.113.5
    expect(list.allows('0:0:0:0:0:ffff:203.0.113.5')).toBe(true)
    expect(list.allows('::ffff:203.0.114.5')).toBe(false)
    // IPv4-compatible (::a.b.c.d) and NAT64 addresses are not mapped addresses.
    expect(list.allows('::203.0.113.5')).toBe(false)
    expect(list.allows('64:ff9b::203.0.113.5')).toBe(false)
  })

  it('a range written in mapped form matches plain IPv4 addresses', () => {
    const list = createIpAllowlist(['::ffff:203.0.113.0/120', '::ffff:198.51.100.9'])
    expect(list.allows('203.0.113.77')).toBe(true)
    expect(list.allows('203.0.112.77')).toBe(false)
    expect(list.allows('198.51.100.9')).toBe(true)
    expect(list.allows('::ffff:198.51.100.9')).toBe(true)
    expect(list.allows('198.51.100.10')).toBe(false)
  })

  it('::ffff:0:0/96 is all of IPv4', () => {
    const list = createIpAllowlist(['::ffff:0:0/96'])
    expect(list.allows('1.2.3.4')).toBe(true)
    expect(list.allows('2001:db8::1')).toBe(false)
  })
})

describe('garbage', () => {
  const list = createIpAllowlist(['0.0.0.0/0', '::/0'])

  it.each([
    '',
    ' ',
    'abc',
    'localhost',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '1.2.3.-4',
    '01.2.3.4',
    '1.2.3.04',
    '0x7f.0.0.1',
    '1.2.3.4/24',
    '1.2.3.4:80',
    '[::1]',
    '::1::',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1::2:3:4:5:6:7:8',
    '12345::',
    'fe80::1%eth0',
    '::ffff:1.2.3',
    '1.2.3.4::',
    'g::1',
  ])('never matches %j, even against /0', (ip) => {
    expect(list.allows(ip)).toBe(false)
  })

  it('never matches a non-string', () => {
    for (const value of [undefined, null, 42, {}, ['1.2.3.4']])
      expect(list.allows(value as unknown as string)).toBe(false)
  })

  it.each([
    ['10.0.0.0/33', 'prefix length'],
    ['::/129', 'prefix length'],
    ['10.0.0.0/', 'prefix length'],
    ['10.0.0.0/-1', 'prefix length'],
    ['10.0.0.0/08', 'prefix length'],
    ['10.0.0.0/8/8', 'prefix length'],
    ['::ffff:1.2.3.0/129', 'prefix length'],
    ['foo', 'not an IPv4 or IPv6'],
    ['', 'not an IPv4 or IPv6'],
    ['300.0.0.0/8', 'not an IPv4 or IPv6'],
    ['10.0.0.1/8', 'did you mean 10.0.0.0/8?'],
    ['2001:db8::1/32', 'host bits'],
    ['::ffff:1.2.3.4/120', 'did you mean 1.2.3.0/24?'],
  ])('refuses the range %j at creation', (range, message) => {
    const error = rangeError(['192.0.2.0/24', range])
    expect(error.message).toContain('entry #2')
    expect(error.message).toContain(message)
  })

  it('refuses non-string entries and a non-array', () => {
    rangeError([42])
    rangeError([null])
    expect(() => createIpAllowlist('10.0.0.0/8' as unknown as string[])).toThrow(MatchfeedError)
  })

  it('trims entries; an empty list allows nothing', () => {
    expect(createIpAllowlist([' 10.0.0.0/8 ']).allows('10.1.1.1')).toBe(true)
    const none = createIpAllowlist([])
    expect(none.allows('10.1.1.1')).toBe(false)
    expect(none.allows('::1')).toBe(false)
  })
})

describe('clientIp and X-Forwarded-For', () => {
  const proxies = createIpAllowlist(['10.0.0.0/8', 'fd00::/8'])

  it('ignores X-Forwarded-For without trusted proxies', () => {
    expect(clientIp('203.0.113.9', '198.51.100.1')).toBe('203.0.113.9')
    expect(clientIp('10.0.0.1', '198.51.100.1')).toBe('10.0.0.1')
  })

  it('ignores a spoofed header from an untrusted peer', () => {
    expect(clientIp('203.0.113.9', '10.0.0.5, 198.51.100.1', proxies)).toBe('203.0.113.9')
  })

  it('returns the right-most untrusted hop behind trusted proxies', () => {
    expect(clientIp('10.0.0.1', '198.51.100.1', proxies)).toBe('198.51.100.1')
    expect(clientIp('10.0.0.1', '198.51.100.1, 10.0.0.7, 10.9.9.9', proxies)).toBe('198.51.100.1')
    // Entries left of the first untrusted hop were written by the client: spoofable, ignored.
    expect(clientIp('10.0.0.1', '6.6.6.6, 198.51.100.1, 10.0.0.7', proxies)).toBe('198.51.100.1')
    expect(clientIp('10.0.0.1', '10.0.0.9,198.51.100.1', proxies)).toBe('198.51.100.1')
  })

  it('returns the left-most hop when every hop is trusted', () => {
    expect(clientIp('10.0.0.1', '10.0.0.3, 10.0.0.2', proxies)).toBe('10.0.0.3')
  })

  it('gives up (undefined) on an invalid hop reached during the walk', () => {
    expect(clientIp('10.0.0.1', '198.51.100.1, garbage', proxies)).toBeUndefined()
    expect(clientIp('10.0.0.1', 'unknown', proxies)).toBeUndefined()
    expect(clientIp('10.0.0.1', '198.51.100.1, , 10.0.0.2', proxies)).toBeUndefined()
    // Garbage left of the client is never reached.
    expect(clientIp('10.0.0.1', 'garbage, 198.51.100.1', proxies)).toBe('198.51.100.1')
  })

  it('strips ports and brackets from forwarded hops', () => {
    expect(clientIp('10.0.0.1', '198.51.100.1:4711', proxies)).toBe('198.51.100.1')
    expect(clientIp('10.0.0.1', '[2001:db8::5]:443', proxies)).toBe('2001:db8::5')
    expect(clientIp('10.0.0.1', '[2001:db8::5]', proxies)).toBe('2001:db8::5')
    expect(clientIp('10.0.0.1', '2001:db8::5', proxies)).toBe('2001:db8::5')
  })

  it('trusts a mapped or IPv6 socket peer inside a trusted range', () => {
    expect(clientIp('::ffff:10.0.0.1', '198.51.100.1', proxies)).toBe('198.51.100.1')
    expect(clientIp('fd12::1', '2001:db8::7', proxies)).toBe('2001:db8::7')
  })

  it('falls back to the socket peer when the header is absent or empty, and to undefined without a peer', () => {
    expect(clientIp('10.0.0.1', undefined, proxies)).toBe('10.0.0.1')
    expect(clientIp('10.0.0.1', '', proxies)).toBe('10.0.0.1')
    expect(clientIp('10.0.0.1', ' , ', proxies)).toBe('10.0.0.1')
    expect(clientIp(undefined, '198.51.100.1', proxies)).toBeUndefined()
    expect(clientIp('', '198.51.100.1', proxies)).toBeUndefined()
  })

  it('composes with an allowlist: a spoofed provider address from an untrusted peer is refused', () => {
    const provider = createIpAllowlist(['198.51.100.0/24'])
    expect(provider.allows(clientIp('203.0.113.9', '198.51.100.1', proxies) ?? '')).toBe(false)
    expect(provider.allows(clientIp('10.0.0.1', '198.51.100.1', proxies) ?? '')).toBe(true)
  })
})
