// Wire field schemas the two headline providers (API-Football, Football-Data) share. The bounds keep a corrupt
// number from becoming millions of goal events, an impossible clock or an unrepresentable date: a value past
// them is a ProviderPayloadError, not a hang.
import { z } from 'zod'

/** Goals in one match (the record is 149), and minutes on a match clock (120 + added time, with room). */
export const MAX_GOALS = 999
export const MAX_MINUTE = 999

/** A team or player id as sent: a number or a string. An empty string is no id, like null. */
export const providerRefId = z
  .union([z.int(), z.string()])
  .nullish()
  .transform((id) => (id === '' ? undefined : id))

/** A text field that may be null or absent. */
export const nullableString = z.string().nullish()

/** `{ id, name }`; either part may be null (lower leagues often lack player ids). */
export const ProviderRefSchema = z.object({ id: providerRefId, name: nullableString }).nullish()

export const goalCount = z.int().min(0).max(MAX_GOALS).nullish()
export const minuteOfMatch = z.int().min(0).max(MAX_MINUTE)
export const addedMinutes = z.int().min(0).max(MAX_MINUTE).nullish()

/** Unix seconds that a Date can hold (up to the year 275760). */
export const unixSeconds = z.int().min(0).max(8_640_000_000_000).nullish()
