// 找活 on a phone, in real Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) at 360 × 800, against `linghuo demo`, with axe-core.
//
// Run from anywhere:   node --test-reporter=tap tests/browser/market_phone.mjs
// Environment: TEST_LINGHUO_BIN, CHROMIUM, ARTIFACTS_DIR, KEEP_DATA=1 (as demo.mjs).
//
// The flow, as a worker on a cheap phone does it: 找活 opens with one search
// box → typing 修水管 shows suggestions (a combobox: arrow keys, Enter) and
// picking one searches → the results say how the words were read → 小店区 保洁
// 日结 and the typo 保结 (picked with a tap) → the filters unfold and a search
// with a condition → 找附近的活 with the phone's location (sorted by distance,
// the point never in a URL), and without it → nothing matching, and nothing at
// all → a result opens with 报名 visible without scrolling → tapping it as a
// visitor leads to the login page with next=/work/posts/{id} → the demo worker
// logs in, comes back to the post and applies (the button shows progress and
// cannot be pressed twice) → 长辈版 is larger and still fits. On every page:
// no sideways scrolling at 360 px, axe without serious or critical violations,
// a screenshot in artifacts/screenshots/phone-*.png. Without scripts the box
// is a plain search form that still works.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';

import { runAxe, blocking, describeViolations } from './lib/axe.mjs';
import { startDemo } from './lib/server.mjs';
import { pathOf, shot as shotIn, describePage, clickAndWait, submitFormOf, findPii, findPiiInUrl } from './lib/pages.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..');
const BIN = process.env.TEST_LINGHUO_BIN || join(REPO, 'target', 'debug', 'linghuo');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = resolve(process.env.ARTIFACTS_DIR || join(REPO, 'artifacts'));
const SHOTS = join(ARTIFACTS, 'screenshots');
mkdirSync(SHOTS, { recursive: true });

const PHONE = { width: 360, height: 800 };
const NAV_TIMEOUT = 60_000;
// Where the phone says it is: 小店区, Taiyuan. Rounded by the page before it is posted.
const HERE_POINT = { latitude: 37.8566, longitude: 112.5637 };

const state = {
  dataDir: null,
  server: null,
  browser: null,
  logins: {},
  failed: {},
  done: new Set(),
  a11y: [],           // { page, url, violations }
  scroll: [],         // { page, url, scrollWidth, width } pages that scroll sideways
  requestUrls: [],
  piiInPages: [],
  consoleErrors: [],
  anon: null,         // the visitor's page (geolocation allowed)
  postPath: null,     // /work/posts/{id} opened from the results
  nextIgnored: null,  // where the login went instead of back to the post
};

const LAUNCH_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

async function newContext(options = {}) {
  const context = await state.browser.newContext({
    viewport: PHONE,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    baseURL: state.server.base,
    hasTouch: true,
    ...options,
  });
  context.setDefaultNavigationTimeout(NAV_TIMEOUT);
  context.setDefaultTimeout(NAV_TIMEOUT);
  context.on('request', (req) => state.requestUrls.push(req.url()));
  context.on('response', async (res) => {
    const type = res.headers()['content-type'] || '';
    if (!/text\/html|json/.test(type)) return;
    try {
      for (const hit of findPii(await res.text())) state.piiInPages.push({ url: res.url(), ...hit });
    } catch { /* redirects have no body */ }
  });
  context.on('page', (page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') state.consoleErrors.push({ url: page.url(), text: msg.text() });
    });
    page.on('pageerror', (err) => state.consoleErrors.push({ url: page.url(), text: `uncaught: ${err.message}` }));
  });
  return context;
}

const shot = (page, name) => shotIn(page, SHOTS, `phone-${name}`);

async function step(name, page, fn) {
  try {
    const out = await fn();
    state.done.add(name);
    return out;
  } catch (err) {
    state.failed[name] = err.message.split('\n')[0];
    let where = '';
    if (page) {
      try {
        await page.screenshot({ path: join(SHOTS, `FAILED-phone-${name}.png`), fullPage: true });
        writeFileSync(join(ARTIFACTS, `FAILED-phone-${name}.html`), await page.content());
      } catch { /* the page may be gone */ }
      where = `\n${await describePage(page)}`;
    }
    err.message = `[${name}] ${err.message}${where}`;
    throw err;
  }
}

function needs(t, ...steps) {
  const missing = steps.filter((s) => s in state.failed || !state.done.has(s));
  if (missing.length) {
    t.skip(`needs earlier step(s): ${missing.map((s) => `${s}${state.failed[s] ? ` (failed: ${state.failed[s]})` : ' (did not run)'}`).join(', ')}`);
    return false;
  }
  return true;
}

/**
 * The checks every page gets: no sideways scrolling at 360 px, axe without
 * serious or critical violations, and a screenshot of the first screen (and
 * of the whole page when `full`).
 */
async function checkPage(page, label, { full = false } = {}) {
  const m = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth }));
  if (m.scrollWidth > m.width) state.scroll.push({ page: label, url: page.url(), ...m });
  const violations = await runAxe(page);
  state.a11y.push({ page: label, url: page.url(), violations });
  await page.screenshot({ path: join(SHOTS, `phone-${label}-360x800.png`) });
  if (full) await shot(page, `${label}-full`);
  assert.ok(m.scrollWidth <= m.width, `${label}: the page scrolls sideways (${m.scrollWidth}px wide in a ${m.width}px window)`);
  const bad = blocking(violations);
  assert.equal(bad.length, 0, `axe on ${label}:\n${describeViolations(bad)}`);
}

/** The element is inside the first screen and nothing covers its middle. */
async function assertInFirstScreen(page, selector, what) {
  const el = page.locator(selector).first();
  assert.ok(await el.count(), `${what} (${selector}) is on the page`);
  const r = await el.evaluate((e) => {
    const b = e.getBoundingClientRect();
    const top = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
    return { top: b.top, bottom: b.bottom, scrollY: window.scrollY, h: window.innerHeight, onTop: !!top && (top === e || e.contains(top)) };
  });
  assert.equal(r.scrollY, 0, 'the page is not scrolled');
  assert.ok(r.top >= 0 && r.bottom <= r.h, `${what} should be within the first screen: top ${r.top}, bottom ${r.bottom}, window ${r.h}`);
  assert.ok(r.onTop, `${what} should not be covered by anything`);
}

/** Types like a person, one character at a time, into the search box. */
async function typeIntoBox(page, text) {
  const box = page.locator('#q');
  await box.fill('');
  await box.pressSequentially(text, { delay: 60 });
}

/** Waits for the suggestion list to open and returns the option texts. */
async function suggestions(page) {
  await page.waitForSelector('#q-suggestions:not([hidden]) [role=option]', { timeout: 10_000 });
  return page.locator('#q-suggestions [role=option]').allInnerTexts();
}

/** "距您约2.3公里" on each card, in page order, as numbers. */
async function distances(page) {
  const texts = await page.locator('#search-results .distance').allInnerTexts();
  return texts.map((t) => Number((t.match(/约([\d.]+)公里/) || [])[1]));
}

// ---------------------------------------------------------------- setup

before(async () => {
  if (!existsSync(BIN)) throw new Error(`no binary at ${BIN}: run \`cargo build -p linghuo\` first (or set TEST_LINGHUO_BIN)`);
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium chromium-driver fonts-noto-cjk (or set CHROMIUM)`);
  state.dataDir = mkdtempSync(join(tmpdir(), 'linghuo-phone-'));
  const started = Date.now();
  state.server = await startDemo(BIN, join(state.dataDir, 'data'), join(ARTIFACTS, 'phone-server.log'), {
    workers: 1500,
    jobs: 500,
    loginsPath: join(state.dataDir, 'logins.json'),
  });
  for (const l of state.server.logins) state.logins[l.username] = l;
  console.log(`# linghuo demo at ${state.server.base} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  state.browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
});

after(async () => {
  if (state.browser) await state.browser.close().catch(() => {});
  if (state.server) await state.server.stop().catch(() => {});
  if (state.dataDir && !process.env.KEEP_DATA) rmSync(state.dataDir, { recursive: true, force: true });
  writeFileSync(join(ARTIFACTS, 'phone-a11y.json'), JSON.stringify(state.a11y, null, 2));
  writeFileSync(join(ARTIFACTS, 'phone-requests.txt'), state.requestUrls.join('\n') + '\n');
});

// ---------------------------------------------------------------- tests

test('找活 opens with one search box in the first screen', async () => {
  const context = await newContext({ geolocation: HERE_POINT, permissions: ['geolocation'] });
  const page = await context.newPage();
  state.anon = page;
  await step('open', page, async () => {
    await page.goto('/work');
    await assertInFirstScreen(page, '#q', 'the search box');
    await assertInFirstScreen(page, '#search-form button[type=submit]', 'the 搜索 button');
    assert.equal(await page.getAttribute('#q', 'placeholder'), '保洁、修水管、日结');
    assert.equal(await page.locator('details.filters').getAttribute('open'), null, 'the filters are folded');
    assert.ok(!(await page.locator('#region').isVisible()), 'the region filter is hidden while folded');
    const combo = await page.evaluate(() => {
      const q = document.getElementById('q');
      return { role: q.getAttribute('role'), expanded: q.getAttribute('aria-expanded'), controls: q.getAttribute('aria-controls'),
        listRole: document.getElementById(q.getAttribute('aria-controls') || 'x')?.getAttribute('role') };
    });
    assert.deepEqual(combo, { role: 'combobox', expanded: 'false', controls: 'q-suggestions', listRole: 'listbox' });
    await checkPage(page, 'work');
  });
});

test('typing 修水管 shows suggestions; the arrow keys and Enter pick one and search', async (t) => {
  if (!needs(t, 'open')) return;
  const page = state.anon;
  await step('suggest-keyboard', page, async () => {
    await typeIntoBox(page, '修水管');
    const options = await suggestions(page);
    assert.ok(options.some((o) => o.includes('修水管') && o.includes('水电工')), `修水管 (水电工) should be suggested: ${options.join(' | ')}`);
    assert.equal(await page.getAttribute('#q', 'aria-expanded'), 'true');
    await checkPage(page, 'suggest');
    await page.keyboard.press('ArrowDown');
    const active = await page.getAttribute('#q', 'aria-activedescendant');
    assert.ok(active, 'ArrowDown makes an option active (aria-activedescendant)');
    assert.equal(await page.getAttribute(`#${active}`, 'aria-selected'), 'true');
    await page.keyboard.press('Escape');
    assert.equal(await page.getAttribute('#q', 'aria-expanded'), 'false', 'Escape closes the list');
    await page.keyboard.press('ArrowDown');
    await suggestions(page);
    await page.keyboard.press('ArrowDown');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    assert.equal(pathOf(page), '/work');
    assert.equal(new URL(page.url()).searchParams.get('q'), '修水管', 'the picked words were searched');
    assert.equal(new URL(page.url()).search.includes('region='), false, 'empty filters stay out of the address');
    const line = await page.locator('#understood').innerText();
    assert.ok(line.startsWith('按您的话找：') && line.includes('水电工') && line.includes('修水管'), `the reading line: ${line}`);
    assert.ok(await page.locator('#search-results .hit').count() > 0, 'results are shown');
    await checkPage(page, 'results-xiushuiguan', { full: true });
  });
});

test('小店区 保洁 日结: the reading names the place and the condition', async (t) => {
  if (!needs(t, 'open')) return;
  const page = state.anon;
  await step('search-words', page, async () => {
    await page.goto('/work');
    await typeIntoBox(page, '小店区 保洁 日结');
    await submitFormOf(page, '#q');
    const line = await page.locator('#understood').innerText();
    for (const w of ['保洁', '小店区', '日结']) assert.ok(line.includes(w), `the reading should name ${w}: ${line}`);
    const hits = await page.locator('#search-results .hit').count();
    assert.ok(hits > 0, 'something is shown');
    if (await page.locator('#related-divider').count()) {
      const text = await page.locator('#related-divider').innerText();
      assert.match(text, /没有(更多)?完全符合的.*下面是相近的活/);
    }
    await checkPage(page, 'results-xiaodian', { full: true });
  });
});

test('the typo 保结 is suggested as 保洁, picked with a tap', async (t) => {
  if (!needs(t, 'open')) return;
  const page = state.anon;
  await step('suggest-typo', page, async () => {
    await page.goto('/work');
    await typeIntoBox(page, '保结');
    const options = await suggestions(page);
    assert.ok(options.some((o) => o.startsWith('保洁')), `保洁 should be offered for 保结: ${options.join(' | ')}`);
    await checkPage(page, 'suggest-typo');
    const option = page.locator('#q-suggestions [role=option]', { hasText: '保洁' }).first();
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), option.tap()]);
    assert.equal(new URL(page.url()).searchParams.get('q'), '保洁');
    const line = await page.locator('#understood').innerText();
    assert.ok(line.includes('保洁'), `the reading: ${line}`);
    await checkPage(page, 'results-baojie');
  });
});

test('the filters unfold, and a search with a condition keeps them open', async (t) => {
  if (!needs(t, 'open')) return;
  const page = state.anon;
  await step('filters', page, async () => {
    await page.goto('/work?q=%E4%BF%9D%E6%B4%81');
    await page.locator('details.filters > summary').click();
    assert.ok(await page.locator('#region').isVisible(), 'the filters show after a tap on 筛选');
    await checkPage(page, 'filters-open');
    await page.selectOption('#form', 'hourly');
    await page.selectOption('#region', '140100');
    await clickAndWait(page, page.locator('details.filters button[type=submit]'));
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('form'), 'hourly');
    assert.equal(url.searchParams.get('region'), '140100');
    assert.notEqual(await page.locator('details.filters').getAttribute('open'), null, 'open while a filter is set');
    const cards = await page.locator('#search-results .hit').allInnerTexts();
    assert.ok(cards.length > 0, '保洁 小时工 in 太原市 finds something in the demo');
    for (const c of cards) assert.ok(c.includes('小时工') && c.includes('太原市'), `every card is 小时工 in 太原市: ${c}`);
    await checkPage(page, 'results-filtered', { full: true });
  });
});

test('找附近的活 posts the phone location and sorts by distance; without it, says why', async (t) => {
  if (!needs(t, 'open')) return;
  const page = state.anon;
  await step('nearby', page, async () => {
    await page.goto('/work');
    await clickAndWait(page, page.locator('#nearby-button'));
    assert.equal(pathOf(page), '/work/nearby');
    assert.equal((await page.locator('#results-h').innerText()).trim(), '离您近的活');
    assert.ok((await page.locator('#near-note').innerText()).includes('手机'), 'says the phone location is used and not kept');
    const d = await distances(page);
    assert.ok(d.length >= 5, `every card shows its distance: ${d}`);
    assert.deepEqual(d, [...d].sort((a, b) => a - b), `nearest first: ${d}`);
    assert.ok(d[0] < 20, `the demo has work within 20 km of 小店区: ${d[0]}`);
    await checkPage(page, 'nearby', { full: true });
  });
  const context = await newContext(); // location not allowed
  const denied = await context.newPage();
  await step('nearby-denied', denied, async () => {
    await denied.goto('/work');
    await clickAndWait(denied, denied.locator('#nearby-button'));
    const text = await denied.locator('#near-problem').innerText();
    assert.ok(text.includes('位置') && text.includes('小店区 保洁'), `explains and offers another way: ${text}`);
    assert.ok(await denied.locator('#search-results .hit').count() > 0, 'still shows work');
    await checkPage(denied, 'nearby-denied');
  });
  await context.close();
});

test('nothing matching the words, and nothing at all, are said in words', async (t) => {
  if (!needs(t, 'open')) return;
  const page = state.anon;
  await step('fallbacks', page, async () => {
    await page.goto(`/work?q=${encodeURIComponent('宇航员')}`);
    const notice = await page.locator('#fallback').innerText();
    assert.ok(notice.includes('没有找到符合“宇航员”的活'), notice);
    assert.ok(await page.locator('#search-results .hit').count() > 0, 'newest work instead of an empty page');
    await checkPage(page, 'fallback');
    await page.goto(`/work?q=${encodeURIComponent('保洁')}&pay_at_least=9999`);
    const empty = await page.locator('#no-results').innerText();
    assert.ok(empty.includes('没有找到符合条件的活'), empty);
    await clickAndWait(page, page.locator('#no-results a', { hasText: '只按' }));
    assert.equal(new URL(page.url()).searchParams.get('pay_at_least'), null, 'the way out drops the filters');
    assert.ok(await page.locator('#search-results .hit').count() > 0);
    await page.goto(`/work?q=${encodeURIComponent('保洁')}&pay_at_least=9999`);
    await checkPage(page, 'no-results');
  });
});

test('a result opens with 报名 in the first screen; a visitor is led to log in with next', async (t) => {
  if (!needs(t, 'open')) return;
  const page = state.anon;
  await step('detail', page, async () => {
    await page.goto(`/work?q=${encodeURIComponent('保洁')}`);
    await clickAndWait(page, page.locator('#search-results .hit h3 a').first());
    assert.match(pathOf(page), /^\/work\/posts\/[0-9a-f-]{36}$/);
    state.postPath = pathOf(page);
    await assertInFirstScreen(page, '#apply-button', '报名');
    await checkPage(page, 'post', { full: true });
  });
  await step('detail-login', page, async () => {
    await clickAndWait(page, page.locator('#apply-button'));
    const url = new URL(page.url());
    assert.equal(url.pathname, '/login');
    assert.equal(url.searchParams.get('next'), state.postPath, 'the login page is asked to come back to the post');
    await checkPage(page, 'login-next');
  });
});

test('the demo worker logs in and comes back to the post (login honours next)', async (t) => {
  if (!needs(t, 'detail-login')) return;
  const page = state.anon;
  const login = state.logins['demo-worker'];
  await step('login', page, async () => {
    await page.fill('input[name=username]', login.username);
    await page.fill('input[name=password]', login.password);
    await submitFormOf(page, 'input[name=username]');
    assert.ok(!pathOf(page).startsWith('/login'), `the login went through (on ${pathOf(page)})`);
  });
  // The rest of the flow goes on whatever happened here; the assertion comes last.
  if (pathOf(page) !== state.postPath) {
    state.nextIgnored = pathOf(page);
    await page.goto(state.postPath);
  }
  assert.equal(state.nextIgnored, null, `after logging in the worker should be back on ${state.postPath}, landed on ${state.nextIgnored} (login ignores next)`);
});

test('the worker applies from the bar; the button shows progress and cannot be pressed twice', async (t) => {
  if (!needs(t, 'login')) return;
  const page = state.anon;
  await step('apply', page, async () => {
    if (pathOf(page) !== state.postPath) await page.goto(state.postPath);
    if (!(await page.locator('#apply-form').count())) {
      // The demo worker had applied to this one already: take the next 保洁 post.
      await page.goto(`/work?q=${encodeURIComponent('保洁')}`);
      const links = await page.locator('#search-results .hit h3 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      for (const href of links) {
        await page.goto(href);
        if (await page.locator('#apply-form').count()) break;
      }
    }
    assert.ok(await page.locator('#apply-form').count(), 'a post the worker can apply to');
    await assertInFirstScreen(page, '#apply-button', '报名');
    await checkPage(page, 'post-worker');
    // While the application is on its way: what the button says, and a second press.
    // The page records it (the page is leaving, so it is read back on the next one; a
    // screenshot cannot be taken while a navigation is pending).
    await page.evaluate(() => {
      const f = document.getElementById('apply-form');
      f.addEventListener('submit', () => window.setTimeout(() => {
        const b = document.getElementById('apply-button');
        sessionStorage.setItem('phone-test-busy', JSON.stringify({ disabled: b.disabled, text: b.textContent.trim(), busy: f.getAttribute('aria-busy') }));
        if (f.requestSubmit) f.requestSubmit(); else f.submit();
      }, 30));
    });
    const isApply = (url) => url.pathname.endsWith('/apply');
    let sent = 0;
    const count = (req) => { if (req.method() === 'POST' && isApply(new URL(req.url()))) sent += 1; };
    page.on('request', count);
    await page.route(isApply, async (route) => {
      await sleep(500);
      await route.continue();
    });
    await clickAndWait(page, page.locator('#apply-button'));
    await page.unroute(isApply);
    page.off('request', count);
    const busy = JSON.parse(await page.evaluate(() => sessionStorage.getItem('phone-test-busy')) || 'null');
    assert.deepEqual(busy, { disabled: true, text: '正在报名…', busy: 'true' }, 'while sending, the button is disabled and says so');
    assert.equal(sent, 1, 'a second press sends nothing more');
    assert.equal(pathOf(page), '/work/applications');
    assert.ok((await page.locator('main').innerText()).includes('报名成功'));
    const rows = await page.locator('main').innerText();
    assert.ok(rows.length > 0);
    await checkPage(page, 'applied');
  });
});

test('长辈版: larger, and still no sideways scrolling', async (t) => {
  if (!needs(t, 'open')) return;
  const page = state.anon;
  await step('elder', page, async () => {
    await page.goto('/work');
    await clickAndWait(page, page.locator('form[action="/prefs/elder"] button'));
    const m = await page.evaluate(() => ({
      elder: document.documentElement.classList.contains('elder'),
      body: parseFloat(getComputedStyle(document.body).fontSize),
      box: parseFloat(getComputedStyle(document.getElementById('q')).fontSize),
      button: document.querySelector('#search-form button[type=submit]').getBoundingClientRect().height,
    }));
    assert.ok(m.elder, 'html.elder');
    assert.ok(m.body >= 24 && m.box >= 24, `text at least 18 pt: body ${m.body}px, box ${m.box}px`);
    assert.ok(m.button >= 60, `targets at least 60 px: ${m.button}`);
    await assertInFirstScreen(page, '#q', 'the search box (长辈版)');
    await checkPage(page, 'elder-work');
    await typeIntoBox(page, '修水');
    await suggestions(page);
    await checkPage(page, 'elder-suggest');
    await page.keyboard.press('Escape');
    await page.goto(`/work?q=${encodeURIComponent('保洁')}`);
    await checkPage(page, 'elder-results', { full: true });
    await page.goto(state.postPath || '/work');
    if (state.postPath) await assertInFirstScreen(page, '#action-bar', 'the 报名 bar (长辈版)');
    await checkPage(page, 'elder-post');
    await clickAndWait(page, page.locator('form[action="/prefs/elder"] button'));
  });
});

test('without scripts the box is a plain search form', async () => {
  const context = await newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await step('no-js', page, async () => {
    await page.goto('/work');
    assert.equal(await page.getAttribute('#q', 'role'), null, 'no combobox role without the script');
    await page.fill('#q', '搬运');
    await submitFormOf(page, '#q');
    assert.equal(new URL(page.url()).searchParams.get('q'), '搬运');
    assert.ok(await page.locator('#understood').count(), 'the reading line is server-rendered');
    await page.screenshot({ path: join(SHOTS, 'phone-no-js-360x800.png') });
  });
  await context.close();
});

test('no page scrolls sideways at 360 px; axe finds nothing serious on any page', () => {
  assert.ok(state.a11y.length > 0, 'no page was checked');
  assert.deepEqual(state.scroll, []);
  const report = state.a11y
    .map(({ page, url, violations }) => ({ page, url, bad: blocking(violations) }))
    .filter((r) => r.bad.length);
  assert.equal(report.length, 0, report.map((r) => `${r.page} (${r.url}):\n${describeViolations(r.bad)}`).join('\n'));
});

test('the location and personal data never go into a URL; no script or CSP errors', () => {
  assert.ok(state.requestUrls.length > 0);
  const lat = String(HERE_POINT.latitude).slice(0, 5); // 37.85
  const withPoint = state.requestUrls.filter((u) => u.includes(lat) || /[?&](lat|lon|near)=/.test(u));
  assert.deepEqual(withPoint, [], 'request URLs carrying the location');
  assert.deepEqual(state.requestUrls.filter((u) => findPiiInUrl(u).length), [], 'request URLs carrying personal data');
  assert.deepEqual([...new Set(state.piiInPages.map((l) => `${l.kind} in ${l.url}`))], [], 'unmasked personal data in pages');
  assert.deepEqual(state.consoleErrors.filter((e) => /Content Security Policy|uncaught:/i.test(e.text)), []);
});
