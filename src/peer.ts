import { MatchfeedError } from './errors.js'

/**
 * Loads an optional peer dependency the first time it is needed, or takes the module the caller injected.
 * A missing package is the one `missing_peer_dependency` error, naming the package, the install command and,
 * when there is one, the way around it (`alternative`: "or pass { client }").
 */
export async function importPeer<T>(
  name: string,
  options: { purpose: string; alternative?: string; module?: T },
): Promise<T> {
  if (options.module !== undefined) return options.module
  try {
    // A variable specifier: bundlers leave it alone, and nothing loads until the peer is actually used.
    const specifier = name
    return (await import(specifier)) as T
  } catch (error) {
    const alternative = options.alternative ? `, ${options.alternative}` : ''
    throw new MatchfeedError(
      `${options.purpose} needs the optional dependency ${name}: npm install ${name}${alternative}`,
      { code: 'missing_peer_dependency', cause: error },
    )
  }
}
