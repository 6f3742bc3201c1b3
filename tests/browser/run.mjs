// Browser tests of linghuo in real Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core), with axe-core accessibility checks.
//
// Run from anywhere:   node --test-reporter=tap tests/browser/run.mjs
// Environment:
//   TEST_LINGHUO_BIN   the binary to test (default: <repo>/target/debug/linghuo)
//   CHROMIUM      the browser (default: /usr/bin/chromium)
//   ARTIFACTS_DIR where screenshots and logs go (default: <repo>/artifacts)
//   KEEP_DATA=1   keep the temporary data directory
//
// The flow: home page (title, policy reference, axe, screenshots) → county
// staff login with TOTP and the forced first password change → register a
// person → search by ID number and by name (POST, masked results only, no ID
// number in any URL or page) → logout → staff of another county cannot find
// the person → 长辈版 (elder mode).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';

import { totp, totpCounter, parseOtpauth } from './lib/totp.mjs';
import { runAxe, blocking, describeViolations } from './lib/axe.mjs';
import { addUser, startServer } from './lib/server.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..');
const BIN = process.env.TEST_LINGHUO_BIN || join(REPO, 'target', 'debug', 'linghuo');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = resolve(process.env.ARTIFACTS_DIR || join(REPO, 'artifacts'));
const SHOTS = join(ARTIFACTS, 'screenshots');
mkdirSync(SHOTS, { recursive: true });

const PHONE_VIEW = { width: 375, height: 812 };
const DESKTOP_VIEW = { width: 1366, height: 768 };
const NAV_TIMEOUT = 20_000;

// The person registered and searched for.
const PERSON = {
  name: '张三丰',
  id_number: '140105199003071234',
  phone: '13812345678',
  jurisdiction_code: '140105',
  address: '太原市小店区平阳路1号',
};
const MASKED = { id: '140***********1234', phone: '138****5678', name: '张*丰' };

// Shared state across the sequential tests of this file.
const state = {
  dataDir: null,
  server: null,
  browser: null,
  users: {},          // key -> { username, password, totp: {secret, period, digits, algorithm}, lastCounter }
  personUrl: null,    // /staff/persons/{uuid}
  failed: {},         // step -> reason, so dependent steps skip instead of failing confusingly
  a11y: [],           // { page, violations }
  requestUrls: [],    // every request URL of every context
  consoleErrors: [],  // { page, text }
  responses: [],      // { url, status, body } of text responses in staff contexts
};

// ---------------------------------------------------------------- helpers

const LAUNCH_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

async function newContext(viewport = DESKTOP_VIEW, { recordBodies = false } = {}) {
  const context = await state.browser.newContext({
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    baseURL: state.server.base,
  });
  context.setDefaultNavigationTimeout(NAV_TIMEOUT);
  context.setDefaultTimeout(NAV_TIMEOUT);
  context.on('request', (req) => state.requestUrls.push(req.url()));
  context.on('page', (page) => watchPage(page));
  if (recordBodies) {
    context.on('response', async (res) => {
      const type = res.headers()['content-type'] || '';
      if (!/text\/html|json|text\/plain|csv/.test(type)) return;
      try {
        state.responses.push({ url: res.url(), status: res.status(), body: await res.text() });
      } catch { /* redirects and aborted responses have no body */ }
    });
  }
  return context;
}

function watchPage(page) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') state.consoleErrors.push({ url: page.url(), text: msg.text() });
  });
  page.on('pageerror', (err) => state.consoleErrors.push({ url: page.url(), text: `uncaught: ${err.message}` }));
}

function pathOf(page) {
  return new URL(page.url()).pathname;
}

async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Page URL and visible text, for error messages. */
async function describePage(page) {
  let text = '';
  try {
    text = await page.evaluate(() => document.body ? document.body.innerText : document.documentElement.outerHTML);
  } catch (e) {
    text = `(could not read page text: ${e.message})`;
  }
  return `page ${page.url()}\n----- page text -----\n${text.slice(0, 3000)}\n---------------------`;
}

/**
 * Runs one step on a page. On failure: marks the step failed, saves a
 * screenshot and the HTML under artifacts/, and rethrows with the page text.
 */
async function step(name, page, fn) {
  try {
    return await fn();
  } catch (err) {
    state.failed[name] = err.message.split('\n')[0];
    let where = '';
    if (page) {
      try {
        mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: join(SHOTS, `FAILED-${name}.png`), fullPage: true });
        writeFileSync(join(ARTIFACTS, `FAILED-${name}.html`), await page.content());
      } catch { /* the page may be gone */ }
      where = `\n${await describePage(page)}`;
    }
    err.message = `[${name}] ${err.message}${where}`;
    throw err;
  }
}

function needs(t, ...steps) {
  const missing = steps.filter((s) => s in state.failed || !state.done?.has(s));
  if (missing.length) {
    t.skip(`needs earlier step(s): ${missing.map((s) => `${s}${state.failed[s] ? ` (failed: ${state.failed[s]})` : ' (did not run)'}`).join(', ')}`);
    return false;
  }
  return true;
}

function done(name) {
  state.done ??= new Set();
  state.done.add(name);
}

/** Runs axe and records the result; returns the blocking violations. */
async function a11y(page, label) {
  const violations = await runAxe(page);
  state.a11y.push({ page: label, url: page.url(), violations });
  const bad = blocking(violations);
  const minor = violations.length - bad.length;
  if (minor) console.log(`# axe ${label}: ${minor} minor/moderate violation(s): ${violations.filter((v) => !bad.includes(v)).map((v) => v.id).join(', ')}`);
  return bad;
}

/** Clicks something that submits a form or follows a link, and waits for the next page. */
async function clickAndWait(page, locator, { expectNavigation = true } = {}) {
  const target = typeof locator === 'string' ? page.locator(locator).first() : locator;
  await target.waitFor({ state: 'visible' });
  let response = null;
  if (expectNavigation) {
    [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), target.click()]);
  } else {
    await target.click();
  }
  await page.waitForLoadState('load');
  await refuseErrorStatus(response);
  return response;
}

/**
 * Fails with a clear message when a form submission (a POST and the redirects
 * after it) ended on an error status: names the request, its status and the
 * Origin header the browser sent, which is what a CSRF check looks at.
 */
async function refuseErrorStatus(response) {
  if (!response || response.status() < 400) return;
  let first = response.request();
  while (first.redirectedFrom()) first = first.redirectedFrom();
  const origin = await first.headerValue('origin').catch(() => null);
  const fetchSite = await first.headerValue('sec-fetch-site').catch(() => null);
  throw new Error(`${first.method()} ${new URL(first.url()).pathname} ended with HTTP ${response.status()} at ${new URL(response.url()).pathname} ` +
    `(the browser sent Origin: ${origin ?? '(none)'}, Sec-Fetch-Site: ${fetchSite ?? '(none)'})`);
}

/** Submits the form that holds `fieldSelector`, using its submit button. */
async function submitFormOf(page, fieldSelector) {
  const form = page.locator(`form:has(${fieldSelector})`).first();
  const button = form.locator('button[type=submit], input[type=submit], button:not([type])').first();
  await clickAndWait(page, button);
}

/** A fresh TOTP code for a user, never reusing a time step the server has seen. */
async function nextCode(user) {
  const { secret, period, digits, algorithm } = user.totp;
  for (;;) {
    const now = Date.now();
    const counter = totpCounter(now, period);
    const left = period - ((now / 1000) % period);
    if (counter > (user.lastCounter ?? -1) && left > 3) {
      user.lastCounter = counter;
      return totp(secret, now, { period, digits, algorithm });
    }
    await sleep(Math.ceil(left * 1000) + 200);
  }
}

function strongPassword() {
  return `Lh-${randomBytes(9).toString('base64url')}-晋阳2020!`;
}

/**
 * From the login page, drives the login until a page that is neither login,
 * TOTP nor the forced password change: username + password, TOTP code, and on
 * the first login the password change (after which the server may ask to log
 * in again).
 */
async function login(page, user) {
  const trail = [];
  let credentialsEntered = 0;
  let askedTotp = false;
  for (let round = 0; round < 8; round++) {
    const path = pathOf(page);
    trail.push(path);
    const hasUsername = await page.locator('input[name=username]').count();
    const hasCode = await page.locator('input[name=code]').count();
    const hasNewPassword = await page.locator('input[name=new_password]').count();
    if (hasUsername) {
      if (credentialsEntered >= 2) throw new Error(`still on the login form after ${credentialsEntered} attempts (trail ${trail.join(' → ')})`);
      credentialsEntered++;
      await page.fill('input[name=username]', user.username);
      await page.fill('input[name=password]', user.password);
      await submitFormOf(page, 'input[name=username]');
    } else if (hasCode) {
      if (path !== '/login/totp') console.log(`# note: TOTP form found at ${path}, expected /login/totp`);
      askedTotp = true;
      await page.fill('input[name=code]', await nextCode(user));
      await submitFormOf(page, 'input[name=code]');
    } else if (hasNewPassword) {
      if (path !== '/account/password') console.log(`# note: password change form found at ${path}, expected /account/password`);
      const fresh = strongPassword();
      await page.fill('input[name=old_password]', user.password);
      await page.fill('input[name=new_password]', fresh);
      await page.fill('input[name=new_password2]', fresh);
      await submitFormOf(page, 'input[name=new_password]');
      // Only count it as changed when the form is gone.
      if (await page.locator('input[name=new_password]').count()) {
        throw new Error(`password change was not accepted (trail ${trail.join(' → ')})`);
      }
      user.password = fresh;
      user.passwordChanged = true;
    } else {
      return { path, trail, askedTotp };
    }
  }
  throw new Error(`login did not finish (trail ${trail.join(' → ')})`);
}

/**
 * Searches persons with the POST form at /staff/persons. Works whether the
 * form reloads the page or htmx swaps the results in.
 */
async function searchPersons(page, q) {
  if (pathOf(page) !== '/staff/persons') {
    await page.goto('/staff/persons');
  }
  const input = page.locator('input[name=q]').first();
  await input.waitFor({ state: 'visible' });
  const method = await page.locator('form:has(input[name=q])').first().evaluate((f) => (f.getAttribute('method') || 'get').toLowerCase());
  assert.equal(method, 'post', 'the person search form must use method="post" so ID numbers never go into URLs');
  await input.fill(q);
  const form = page.locator('form:has(input[name=q])').first();
  const button = form.locator('button[type=submit], input[type=submit], button:not([type])').first();
  const response = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith('/staff/persons'), { timeout: NAV_TIMEOUT });
  await button.click();
  await refuseErrorStatus(await response);
  await page.waitForLoadState('load');
  await page.waitForFunction(() => !document.querySelector('.htmx-request'), null, { timeout: NAV_TIMEOUT });
  await page.locator('#person-results').first().waitFor({ state: 'attached' });
  return page.locator('#person-results').first();
}

function assertNoFullPii(html, where) {
  assert.ok(!html.includes(PERSON.id_number), `${where}: the full ID number ${PERSON.id_number} appears in the page`);
  assert.ok(!html.includes(PERSON.phone), `${where}: the full phone number ${PERSON.phone} appears in the page`);
}

// ---------------------------------------------------------------- setup

before(async () => {
  if (!existsSync(BIN)) throw new Error(`no binary at ${BIN}: run \`cargo build -p linghuo\` first (or set TEST_LINGHUO_BIN)`);
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium chromium-driver fonts-noto-cjk (or set CHROMIUM)`);
  mkdirSync(SHOTS, { recursive: true });
  state.dataDir = mkdtempSync(join(tmpdir(), 'linghuo-browser-'));

  const specs = {
    xiaodian: { username: 'county.xiaodian', name: '小店区经办员', role: 'staff', scope: '140105' },
    yingze: { username: 'county.yingze', name: '迎泽区经办员', role: 'staff', scope: '140106' },
  };
  for (const [key, spec] of Object.entries(specs)) {
    const out = addUser(BIN, state.dataDir, spec);
    const fromUri = out.otpauth_uri ? parseOtpauth(out.otpauth_uri) : {};
    state.users[key] = {
      username: spec.username,
      password: out.one_time_password,
      totp: {
        secret: out.totp_secret || fromUri.secret,
        period: fromUri.period || 30,
        digits: fromUri.digits || 6,
        algorithm: fromUri.algorithm || 'sha1',
      },
    };
  }

  state.server = await startServer(BIN, state.dataDir, join(ARTIFACTS, 'browser-server.log'));
  console.log(`# linghuo at ${state.server.base}, data in ${state.dataDir}`);
  state.browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  console.log(`# chromium ${state.browser.version()}`);
});

after(async () => {
  if (state.browser) await state.browser.close().catch(() => {});
  if (state.server) await state.server.stop().catch(() => {});
  if (state.dataDir && !process.env.KEEP_DATA) rmSync(state.dataDir, { recursive: true, force: true });
  writeFileSync(join(ARTIFACTS, 'browser-a11y.json'), JSON.stringify(state.a11y, null, 2));
  writeFileSync(join(ARTIFACTS, 'browser-requests.txt'), state.requestUrls.join('\n') + '\n');
});

// ---------------------------------------------------------------- tests

test('TOTP helper matches RFC 6238 test vectors', () => {
  // RFC 6238 appendix B, SHA-1 key "12345678901234567890" (base32 below), 8 digits.
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  assert.equal(totp(secret, 59_000, { digits: 8 }), '94287082');
  assert.equal(totp(secret, 1_111_111_109_000, { digits: 8 }), '07081804');
  assert.equal(totp(secret, 2_000_000_000_000, { digits: 8 }), '69279037');
  assert.equal(totp(secret, 59_000), '287082');
});

test('home page: Chinese, names 晋政办发〔2020〕89号, accessible, phone and desktop screenshots', async () => {
  const context = await newContext(PHONE_VIEW);
  const page = await context.newPage();
  await step('home', page, async () => {
    const res = await page.goto('/');
    assert.equal(res.status(), 200, 'GET / status');
    const title = await page.title();
    assert.ok(title.includes('灵活就业'), `title should contain 灵活就业, is ${JSON.stringify(title)}`);
    const lang = await page.getAttribute('html', 'lang');
    assert.ok(lang && lang.toLowerCase().startsWith('zh'), `<html lang> should be zh…, is ${JSON.stringify(lang)}`);
    const text = await page.locator('body').innerText();
    assert.ok(text.includes('晋政办发〔2020〕89号'), 'the home page should name 晋政办发〔2020〕89号');
    const bad = await a11y(page, 'home');
    assert.equal(bad.length, 0, `axe: serious/critical violations on the home page:\n${describeViolations(bad)}`);
    await shot(page, 'home-375x812');
    await page.setViewportSize(DESKTOP_VIEW);
    await shot(page, 'home-1366x768');
  });
  await context.close();
  done('home');
});

test('county staff (140105) logs in with password, TOTP and the forced password change', async (t) => {
  const context = await newContext(DESKTOP_VIEW, { recordBodies: true });
  const page = await context.newPage();
  state.staffContext = context;
  state.staffPage = page;
  await step('login', page, async () => {
    await page.goto('/');
    const link = page.locator('a[href="/login"]').first();
    assert.ok(await link.count(), 'the home page should link to /login');
    assert.ok((await link.innerText()).includes('登录'), 'the /login link should say 登录');
    await clickAndWait(page, link);
    assert.equal(pathOf(page), '/login');
    await a11y(page, 'login');
    await shot(page, 'login-1366x768');
    const user = state.users.xiaodian;
    const { path, trail, askedTotp } = await login(page, user);
    t.diagnostic(`login trail: ${trail.join(' → ')}`);
    assert.ok(askedTotp, `staff login should ask for a TOTP code (input[name=code]) (trail ${trail.join(' → ')})`);
    assert.ok(user.passwordChanged, 'the first login should force a password change');
    assert.ok(['/staff', '/account'].includes(path), `after login expected /staff or /account, got ${path}`);
    if (path !== '/staff') await page.goto('/staff');
    assert.equal(pathOf(page), '/staff', 'staff workbench');
    const text = await page.locator('body').innerText();
    assert.ok(text.includes('小店区') || text.includes('140105'), 'the workbench should show the staff member\'s region (小店区)');
    await a11y(page, 'staff workbench');
    await shot(page, 'staff-1366x768');
  });
  done('login');
});

test('staff registers a person; the record page shows masked data only', async (t) => {
  if (!needs(t, 'login')) return;
  const page = state.staffPage;
  await step('register', page, async () => {
    await page.goto('/staff/persons/new');
    assert.equal(pathOf(page), '/staff/persons/new');
    await a11y(page, 'person registration form');
    await page.fill('input[name=name]', PERSON.name);
    await page.fill('input[name=id_number]', PERSON.id_number);
    await page.fill('input[name=phone]', PERSON.phone);
    const jur = page.locator('[name=jurisdiction_code]').first();
    const tag = await jur.evaluate((el) => el.tagName.toLowerCase());
    if (tag === 'select') await jur.selectOption(PERSON.jurisdiction_code);
    else await jur.fill(PERSON.jurisdiction_code);
    await page.fill('[name=address]', PERSON.address);
    await shot(page, 'person-new-1366x768');
    await submitFormOf(page, 'input[name=id_number]');
    const path = pathOf(page);
    assert.match(path, /^\/staff\/persons\/[0-9a-fA-F-]{36}$/, `after registering expected /staff/persons/{uuid}, got ${path}`);
    state.personUrl = path;
    const text = await page.locator('body').innerText();
    assert.ok(text.includes(MASKED.id), `the record page should show ${MASKED.id}`);
    assert.ok(text.includes(MASKED.phone), `the record page should show ${MASKED.phone}`);
    assertNoFullPii(await page.content(), 'person record page');
    await a11y(page, 'person record');
    await shot(page, 'person-record-1366x768');
  });
  done('register');
});

test('staff searches by ID number and by name (POST); results are masked, nothing in URLs', async (t) => {
  if (!needs(t, 'register')) return;
  const page = state.staffPage;
  await step('search', page, async () => {
    const pages = [];
    for (const q of [PERSON.id_number, '张']) {
      const results = await searchPersons(page, q);
      const text = await results.innerText();
      for (const m of [MASKED.id, MASKED.phone, MASKED.name]) {
        assert.ok(text.includes(m), `search ${JSON.stringify(q)}: #person-results should show ${m}; it shows:\n${text}`);
      }
      assert.ok(!page.url().includes(PERSON.id_number), `the page URL contains the ID number: ${page.url()}`);
      pages.push([q, await page.content()]);
      if (q === PERSON.id_number) await shot(page, 'person-search-1366x768');
    }
    await a11y(page, 'person search results');
    // Last, so the result checks above always run: the HTML must not carry the
    // full values anywhere (not even echoed back into the search box).
    for (const [q, html] of pages) assertNoFullPii(html, `search results page for ${JSON.stringify(q)}`);
  });
  done('search');
});

test('logout ends the session: /staff then redirects to /login', async (t) => {
  if (!needs(t, 'login')) return;
  const page = state.staffPage;
  await step('logout', page, async () => {
    if (pathOf(page) === '/') await page.goto('/staff');
    const button = page.locator('form[action="/logout"] button').first();
    assert.ok(await button.count(), 'a logout form (form[action="/logout"] button) should be in the header');
    await clickAndWait(page, button);
    const res = await page.goto('/staff');
    assert.equal(pathOf(page), '/login', `after logout GET /staff should end on /login, ended on ${page.url()} (status ${res.status()})`);
  });
  await state.staffContext.close();
  done('logout');
});

test('staff of another county (140106) cannot find or open the person', async (t) => {
  if (!needs(t, 'register')) return;
  const context = await newContext(DESKTOP_VIEW, { recordBodies: true });
  const page = await context.newPage();
  await step('other-county', page, async () => {
    await page.goto('/login');
    const { path, trail } = await login(page, state.users.yingze);
    t.diagnostic(`login trail: ${trail.join(' → ')}`);
    assert.ok(['/staff', '/account'].includes(path), `after login expected /staff or /account, got ${path}`);
    const results = await searchPersons(page, PERSON.id_number);
    const text = await results.innerText();
    assert.ok(!text.includes(MASKED.id) && !text.includes(MASKED.name), `140106 staff must not see the 140105 person; #person-results shows:\n${text}`);
    const body = await page.locator('body').innerText();
    assert.match(body, /未找到|没有找到|无结果|(^|\D)0\s*(条|人|个|项|名)/, 'the page should say that nothing was found (未找到 / 0 条)');
    const html = await page.content();
    await shot(page, 'other-county-search-1366x768');
    const res = await page.goto(state.personUrl);
    assert.equal(res.status(), 404, `GET ${state.personUrl} by staff of another county should answer 404 (deny by default), got ${res.status()}`);
    const notFound = await page.locator('body').innerText();
    assert.ok(!notFound.includes(MASKED.id) && !notFound.includes(MASKED.name), 'the 404 page must not show the record');
    assertNoFullPii(html, 'search results page of another county');
  });
  await context.close();
  done('other-county');
});

test('长辈版: the elder-mode toggle enlarges text to at least 18 pt', async () => {
  const context = await newContext(PHONE_VIEW);
  const page = await context.newPage();
  await step('elder', page, async () => {
    await page.goto('/');
    const button = page.locator('form[action="/prefs/elder"] button').first();
    assert.ok(await button.count(), 'the page should have a 长辈版 toggle (form[action="/prefs/elder"] button)');
    const label = (await button.innerText()).trim();
    assert.ok(label.includes('长辈'), `the toggle should say 长辈版, says ${JSON.stringify(label)}`);
    await clickAndWait(page, button);
    const m = await page.evaluate(() => {
      const elder = document.documentElement.classList.contains('elder') || document.body.classList.contains('elder');
      const p = document.querySelector('main p') || document.querySelector('p') || document.body;
      return {
        elder,
        path: location.pathname,
        bodyPx: parseFloat(getComputedStyle(document.body).fontSize),
        textPx: parseFloat(getComputedStyle(p).fontSize),
        lineHeight: getComputedStyle(p).lineHeight,
      };
    });
    assert.ok(m.elder, `after the toggle <html> or <body> should have class "elder" (on ${m.path})`);
    // 18 pt = 24 CSS px.
    assert.ok(m.bodyPx >= 24, `body font-size in elder mode is ${m.bodyPx}px, needs ≥ 24px (18 pt)`);
    assert.ok(m.textPx >= 24, `paragraph font-size in elder mode is ${m.textPx}px, needs ≥ 24px (18 pt)`);
    if (m.path !== '/') await page.goto('/');
    const bad = await a11y(page, 'home (elder mode)');
    await shot(page, 'home-elder-375x812');
    await page.setViewportSize(DESKTOP_VIEW);
    await shot(page, 'home-elder-1366x768');
    assert.equal(bad.length, 0, `axe: serious/critical violations in elder mode:\n${describeViolations(bad)}`);
  });
  await context.close();
  done('elder');
});

test('axe: no serious or critical violations on any page visited', () => {
  const report = state.a11y
    .map(({ page, url, violations }) => ({ page, url, bad: blocking(violations) }))
    .filter((r) => r.bad.length);
  assert.ok(state.a11y.length > 0, 'no page was checked');
  assert.equal(report.length, 0, report.map((r) => `${r.page} (${r.url}):\n${describeViolations(r.bad)}`).join('\n'));
});

test('no ID number or phone number in any request URL', () => {
  assert.ok(state.requestUrls.length > 0, 'no requests were recorded');
  const leaks = state.requestUrls.filter((u) => {
    const d = decodeURIComponent(u);
    return d.includes(PERSON.id_number) || d.includes(PERSON.phone);
  });
  assert.deepEqual(leaks, [], 'request URLs carrying personal data');
});

test('no full ID number or phone number in any response the staff browsers received', (t) => {
  if (!needs(t, 'login')) return;
  assert.ok(state.responses.length > 0, 'no responses were recorded');
  const leaks = state.responses
    .filter((r) => r.body.includes(PERSON.id_number) || r.body.includes(PERSON.phone))
    .map((r) => `${r.status} ${r.url}`);
  assert.deepEqual(leaks, [], 'responses carrying unmasked personal data');
});

test('no Content-Security-Policy violations or script errors in the pages', () => {
  assert.deepEqual(state.consoleErrors.filter((e) => /Content Security Policy|uncaught:/i.test(e.text)), []);
});
