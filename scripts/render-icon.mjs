// Renders resources/icon.svg to resources/icon.png (512×512, transparent corners) in headless Chromium.
// `node scripts/render-icon.mjs` after editing the SVG; needs /usr/bin/chromium (apt-get install -y chromium).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

const resources = join(import.meta.dirname, '..', 'resources')
const svg = readFileSync(join(resources, 'icon.svg'), 'utf8')
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
})
try {
  const page = await browser.newPage({ viewport: { width: 512, height: 512 }, deviceScaleFactor: 1 })
  await page.setContent(
    `<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block}</style>${svg}`,
  )
  await page.locator('svg').screenshot({ path: join(resources, 'icon.png'), omitBackground: true })
} finally {
  await browser.close()
}
console.log('wrote resources/icon.png')
