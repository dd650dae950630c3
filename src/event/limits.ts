/**
 * MatchEvent v1's storage bounds: what every sink (Postgres, Redis Streams / Pub/Sub, memory) stores and reads
 * back unchanged. An event outside them is refused at the boundary (validateMatchEvents, the parsers), before
 * anything is written, instead of failing a whole batch in a sink on every retry. Lengths count UTF-16 code
 * units (`string.length`), at most 3 UTF-8 bytes each. docs/event-model.md ("Bounds") lists them with reasons;
 * the real limits, measured on PostgreSQL 15, are far above every bound. The checks are in bounds.ts.
 */

/** `provider`. A name, not data; also in every `id`. */
export const PROVIDER_NAME_MAX_LENGTH = 64
/** `matchId`: in `id` and in two btree indexes (`match_id, …`). Real ids: digits or 25-char uuids. */
export const MATCH_ID_MAX_LENGTH = 128
/** `providerEventId`: StatsBomb uuids are 36, Opta ids digits, derived keys under 100. */
export const PROVIDER_EVENT_ID_MAX_LENGTH = 256
/**
 * `id` = provider + matchId + providerEventId + 2: 450 units, ≤ 1,350 UTF-8 bytes, half of the 2,704-byte
 * btree row limit of its primary key (an id of 900 CJK characters, 2,700 bytes, fails with 54000).
 */
export const EVENT_ID_MAX_LENGTH =
  PROVIDER_NAME_MAX_LENGTH + MATCH_ID_MAX_LENGTH + PROVIDER_EVENT_ID_MAX_LENGTH + 2
/** `team.id`, `player.id`, `relatedPlayer.id` (team_id / player_id columns). */
export const REF_ID_MAX_LENGTH = 128
/** `team.name`, `player.name`, `relatedPlayer.name`: the longest real names are under 100. */
export const NAME_MAX_LENGTH = 256
/** `providerType`: a provider's type name or id. */
export const PROVIDER_TYPE_MAX_LENGTH = 128
/** `minute`, `second`, `addedTime` are `integer` columns (int4): larger fails with 22003. */
export const INT4_MAX = 2_147_483_647
/**
 * `timestamp`: `YYYY-MM-DDTHH:MM:SS.fffffffffZ` (nanoseconds) is 30; Postgres refuses a timestamp text longer
 * than about 128 characters (22007), and year 0000 (22008): years run 0001–9999.
 */
export const TIMESTAMP_MAX_LENGTH = 30
/** The first and the last instant a `timestamp` may name: 0001-01-01T00:00:00.000Z, 9999-12-31T23:59:59.999Z. */
export const TIMESTAMP_MIN_MS = -62_135_596_800_000
export const TIMESTAMP_MAX_MS = 253_402_300_799_999
/**
 * `raw` nesting: JSON.stringify overflows the stack between 1,000 and 5,000 levels (less inside a deep call
 * stack), Postgres's jsonb parser at about 50,000. Provider items nest 5 levels or fewer.
 */
export const RAW_MAX_DEPTH = 64
/** `raw` as JSON text, in UTF-16 units: 256 Ki. Real provider items are 0.2–3.6 KB; jsonb holds 255 MB. */
export const RAW_MAX_JSON_LENGTH = 262_144
