// Debian's chromium driven by playwright-core: never a downloaded browser.
// Each launch gets a fresh --user-data-dir (passed the way Playwright wants
// it: launchPersistentContext), removed again by close().
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CHROMIUM = process.env.WSLAB_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];
const WAIT_MS = 5000;  // default bound of every Playwright wait

function playwright() {
  const where = process.env.WSLAB_PLAYWRIGHT;
  if (!where) throw new Error('WSLAB_PLAYWRIGHT is not set (run through ctest: E2E.InstallPlaywright)');
  return require(where);
}

async function launchBrowser() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wslab-e2e-chromium-'));
  const context = await playwright().chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: {width: 1100, height: 640},
    timeout: 20000,
  });
  context.setDefaultTimeout(WAIT_MS);
  const errors = [];
  return {
    context,
    errors,  // uncaught exceptions of any page: a test checks it stays empty
    async newPage() {
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
      return page;
    },
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(userDataDir, {recursive: true, force: true});
    },
  };
}

// build/<preset>/e2e/artifacts/<name>.png
function artifactsDir() {
  const dir = process.env.WSLAB_E2E_ARTIFACTS || path.join(os.tmpdir(), 'wslab-e2e-artifacts');
  fs.mkdirSync(dir, {recursive: true});
  return dir;
}

async function screenshot(page, name) {
  const file = path.join(artifactsDir(), `${name}.png`);
  await page.screenshot({path: file});
  return file;
}

module.exports = {launchBrowser, screenshot, artifactsDir, WAIT_MS};
