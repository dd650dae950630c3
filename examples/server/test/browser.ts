// Headless Chromium for the page's tests: Debian's `chromium` (.ci/run installs it), driven by playwright-core.
import { spawnSync } from 'node:child_process'
import { type Browser, chromium } from 'playwright-core'

/** CHROMIUM_PATH, else the first chromium on PATH. */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH
  const found = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
    encoding: 'utf8',
  }).stdout.trim()
  if (!found) throw new Error('no chromium: `apt-get install chromium` (.ci/run does) or set CHROMIUM_PATH')
  return found
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] })
}
