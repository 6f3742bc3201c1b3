// Browser tests of the demo province in real Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core), with axe-core accessibility checks.
//
// Run from anywhere:   node --test-reporter=tap tests/browser/demo.mjs
// Environment:
//   TEST_LINGHUO_BIN   the binary to test (default: <repo>/target/debug/linghuo)
//   CHROMIUM      the browser (default: /usr/bin/chromium)
//   ARTIFACTS_DIR where screenshots and logs go (default: <repo>/artifacts)
//   KEEP_DATA=1   keep the temporary data directory
//
// The flow: `linghuo demo` (1,500 workers, 500 posts) with its logins written
// to a file → every demo role logs in (staff and administrators read the
// second-factor code the demo shows on the verification page) and lands on its
// own start page → each role's main pages: 演示模式 banner, axe, phone and
// desktop screenshots → the market through its forms: the employer posts a
// job, the worker finds it by its title and applies, the employer hires, the
// county staff see the 用工登记 → a worker signs up through the 注册 form → no
// ID number or phone number in any URL or unmasked in any page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';

import { runAxe, blocking, describeViolations } from './lib/axe.mjs';
import { startDemo } from './lib/server.mjs';
import { totp } from './lib/totp.mjs';
import {
  PHONE_VIEW, DESKTOP_VIEW, pathOf, shot as shotIn, describePage, clickAndWait, submitFormOf,
  findPii, findPiiInUrl,
} from './lib/pages.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..');
const BIN = process.env.TEST_LINGHUO_BIN || join(REPO, 'target', 'debug', 'linghuo');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = resolve(process.env.ARTIFACTS_DIR || join(REPO, 'artifacts'));
const SHOTS = join(ARTIFACTS, 'screenshots');
mkdirSync(SHOTS, { recursive: true });

// Province-wide staff pages over the whole demo are the slowest in a debug build.
const NAV_TIMEOUT = 60_000;

// Issue 17's policy views: budgets, parameters, what-if and take-up, seen by county and province.
const POLICY_STAFF_PAGES = ['/staff/budgets', '/staff/parameters', '/staff/whatif', '/staff/stats/takeup'];
const STAFF_PAGES = ['/staff', '/staff/market', '/staff/market/review', '/staff/market/registrations', '/staff/market/overdue', '/staff/market/occupations', '/staff/market/occupations/report', '/staff/stats', '/staff/imports'];
/** Pages another engineer may not have built yet: a 404 is noted and skipped. */
const OPTIONAL_PAGES = new Set([]);

// Each demo role: where it lands after logging in, its main pages, and pages its role may not open.
const ROLES = [
  { username: 'demo-worker', landing: '/work', pages: ['/work', '/work/recommended', '/work/profile', '/work/applications', '/work/hires', '/notices', '/guidance', '/places/mine', '/services/difficulty'] },
  { username: 'demo-employer', landing: '/employer', pages: ['/employer', '/employer/posts', '/employer/hires', '/employer/sharing'] },
  { username: 'demo-platform', landing: '/employer', pages: ['/employer', '/employer/workers'] },
  { username: 'demo-county', landing: '/staff', pages: [...STAFF_PAGES, ...POLICY_STAFF_PAGES, '/staff/assistance', '/staff/guidance', '/staff/sharing', '/staff/platform-workers'], region: '小店区' },
  { username: 'demo-city', landing: '/staff', pages: STAFF_PAGES, region: '太原市' },
  { username: 'demo-province', landing: '/staff', pages: [...STAFF_PAGES, ...POLICY_STAFF_PAGES], region: '山西省' },
  { username: 'demo-sysadmin', landing: '/admin/users', pages: ['/admin/users'], refused: ['/admin/audit'] },
  { username: 'demo-secadmin', landing: '/admin/users', pages: ['/admin/users'], refused: ['/admin/audit'] },
  { username: 'demo-auditadmin', landing: '/admin/audit', pages: ['/admin/audit'], refused: ['/admin/users'] },
];

// The job posted, found, applied for and hired through the forms.
const JOB = {
  title: '周末家庭保洁员（坞城路）',
  description: '周末上门做家庭日常保洁：擦玻璃、拖地、整理收纳。清洁工具由雇主提供，不向劳动者收取任何费用。',
  occupation: '保洁员',
  form: 'hourly',
  county: '140105',
  address: '小店区坞城路',
  schedule: '周末 09:00-17:00',
  hoursPerWeek: '16',
  pay: '30元/小时',
  agreementPay: '30',
  agreementPayUnit: 'hour',
  headcount: '1',
  skills: '擦玻璃、收纳',
};

const state = {
  dataDir: null,
  server: null,
  browser: null,
  logins: {},         // username -> { role, role_label, username, password, totp_secret, scope }
  pages: {},          // username -> logged-in page (desktop context)
  failed: {},         // step -> reason, so dependent steps skip instead of failing confusingly
  done: new Set(),
  a11y: [],           // { page, url, violations }
  requestUrls: [],    // every request URL of every context
  piiInPages: [],     // { url, kind, value } unmasked personal data in an HTML response
  consoleErrors: [],  // { url, text }
  skipped: [],        // optional pages that answered 404
  flow: {},           // postPath, startsOn …
};

// ---------------------------------------------------------------- helpers

const LAUNCH_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

async function newContext(viewport = DESKTOP_VIEW) {
  const context = await state.browser.newContext({
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    baseURL: state.server.base,
  });
  context.setDefaultNavigationTimeout(NAV_TIMEOUT);
  context.setDefaultTimeout(NAV_TIMEOUT);
  context.on('request', (req) => state.requestUrls.push(req.url()));
  context.on('response', async (res) => {
    const type = res.headers()['content-type'] || '';
    if (!/text\/html|json|text\/plain|csv/.test(type)) return;
    try {
      const body = await res.text();
      for (const hit of findPii(body)) state.piiInPages.push({ url: res.url(), ...hit });
    } catch { /* redirects and aborted responses have no body */ }
  });
  context.on('page', (page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') state.consoleErrors.push({ url: page.url(), text: msg.text() });
    });
    page.on('pageerror', (err) => state.consoleErrors.push({ url: page.url(), text: `uncaught: ${err.message}` }));
  });
  return context;
}

const shot = (page, name) => shotIn(page, SHOTS, name);

/**
 * Runs one step on a page. On failure: marks the step failed, saves a
 * screenshot and the HTML under artifacts/, and rethrows with the page text.
 */
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
        mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: join(SHOTS, `FAILED-demo-${name}.png`), fullPage: true });
        writeFileSync(join(ARTIFACTS, `FAILED-demo-${name}.html`), await page.content());
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

/** Runs axe and records the result; returns the blocking violations. */
async function a11y(page, label) {
  const violations = await runAxe(page);
  state.a11y.push({ page: label, url: page.url(), violations });
  const bad = blocking(violations);
  const minor = violations.length - bad.length;
  if (minor) console.log(`# axe ${label}: ${minor} minor/moderate violation(s): ${violations.filter((v) => !bad.includes(v)).map((v) => v.id).join(', ')}`);
  return bad;
}

/** "/staff/market/review" → "staff-market-review". */
function slug(path) {
  return path.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9]+/g, '-') || 'home';
}

/** The 演示模式 banner is on the page. */
async function assertDemoBanner(page) {
  const banner = page.locator('.demo-banner').first();
  assert.ok(await banner.count(), 'the page should carry the 演示模式 banner (.demo-banner)');
  assert.ok((await banner.innerText()).includes('演示模式'), 'the banner should say 演示模式');
}

/** Today in China Standard Time plus `days`, as YYYY-MM-DD. */
function cstDate(days = 0) {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** The next Saturday (at least two days ahead), as YYYY-MM-DD. */
function nextSaturday() {
  for (let d = 2; d < 10; d++) {
    const day = new Date(`${cstDate(d)}T00:00:00Z`).getUTCDay();
    if (day === 6) return cstDate(d);
  }
  return cstDate(7);
}

/**
 * Logs a demo account in through the forms. Staff and administrators then get
 * the second-factor page, on which the demo shows the current code
 * (演示模式：当前验证码是 <strong>123456</strong>); it is read from the page.
 * A code is accepted once per time step, so a refused code is retried with
 * the next step's. Returns the path the login ended on.
 */
async function demoLogin(page, login) {
  await page.goto('/login');
  await page.fill('input[name=username]', login.username);
  await page.fill('input[name=password]', login.password);
  await submitFormOf(page, 'input[name=username]', { allowErrorStatus: true });
  if (pathOf(page) === '/login') {
    const alert = await page.locator('[role=alert]').first().innerText().catch(() => '(no message)');
    throw new Error(`the login form refused ${login.username}: ${alert}`);
  }
  for (let attempt = 0; attempt < 3 && pathOf(page) === '/login/totp'; attempt++) {
    const note = page.locator('.notice', { hasText: '演示模式' }).locator('strong').first();
    assert.ok(await note.count(), 'the demo second-factor page should show the current code in <strong> inside a 演示模式 note');
    const code = (await note.innerText()).trim();
    assert.match(code, /^\d{6}$/, `the code shown should be six digits, is ${JSON.stringify(code)}`);
    await page.fill('input[name=code]', code);
    await submitFormOf(page, 'input[name=code]', { allowErrorStatus: true });
    if (pathOf(page) === '/login/totp') {
      // Refused (the step turned over, or the code was used): wait for the next step.
      const left = 30 - ((Date.now() / 1000) % 30);
      await sleep(Math.ceil(left * 1000) + 1000);
      await page.goto('/login/totp');
    }
  }
  const path = pathOf(page);
  assert.ok(!['/login', '/login/totp', '/account/password'].includes(path), `the login of ${login.username} did not finish (on ${path})`);
  return path;
}

// ---------------------------------------------------------------- setup

before(async () => {
  if (!existsSync(BIN)) throw new Error(`no binary at ${BIN}: run \`cargo build -p linghuo\` first (or set TEST_LINGHUO_BIN)`);
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium chromium-driver fonts-noto-cjk (or set CHROMIUM)`);
  state.dataDir = mkdtempSync(join(tmpdir(), 'linghuo-demo-'));
  const started = Date.now();
  state.server = await startDemo(BIN, join(state.dataDir, 'data'), join(ARTIFACTS, 'demo-server.log'), {
    workers: 1500,
    jobs: 500,
    loginsPath: join(state.dataDir, 'logins.json'),
  });
  for (const l of state.server.logins) state.logins[l.username] = l;
  console.log(`# linghuo demo at ${state.server.base} after ${((Date.now() - started) / 1000).toFixed(1)} s, data in ${state.dataDir}`);
  state.browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  console.log(`# chromium ${state.browser.version()}`);
});

after(async () => {
  if (state.browser) await state.browser.close().catch(() => {});
  if (state.server) await state.server.stop().catch(() => {});
  if (state.dataDir && !process.env.KEEP_DATA) rmSync(state.dataDir, { recursive: true, force: true });
  writeFileSync(join(ARTIFACTS, 'demo-a11y.json'), JSON.stringify(state.a11y, null, 2));
  writeFileSync(join(ARTIFACTS, 'demo-requests.txt'), state.requestUrls.join('\n') + '\n');
});

// ---------------------------------------------------------------- tests

test('the demo writes one login per role', () => {
  const names = Object.keys(state.logins);
  for (const r of ROLES) assert.ok(names.includes(r.username), `logins.json should have ${r.username}; has ${names.join(', ')}`);
  for (const l of Object.values(state.logins)) {
    for (const key of ['role', 'role_label', 'username', 'password', 'totp_secret', 'scope']) {
      assert.ok(key in l, `login ${l.username} has no "${key}"`);
    }
    const staffLike = !['worker', 'employer'].includes(l.role);
    assert.equal(Boolean(l.totp_secret), staffLike, `${l.username}: a TOTP secret exactly for staff and administrators`);
  }
});

for (const role of ROLES) {
  const short = role.username.replace(/^demo-/, '');
  test(`${role.username}: logs in, lands on ${role.landing}; ${role.pages.join(', ')} carry the banner, pass axe, screenshots`, async (t) => {
    const login = state.logins[role.username];
    if (!login) return t.skip(`no ${role.username} in logins.json`);
    const context = await newContext(DESKTOP_VIEW);
    const page = await context.newPage();
    const landed = await step(`login-${short}`, page, async () => {
      const path = await demoLogin(page, login);
      await assertDemoBanner(page);
      return path;
    });
    t.diagnostic(`landed on ${landed}`);
    state.pages[role.username] = page;

    // Problems from here on are collected, so every page still gets its screenshots.
    const problems = [];
    if (landed !== role.landing) problems.push(`${role.username} should land on ${role.landing} after logging in, landed on ${landed}`);
    if (role.region) {
      await page.goto(role.landing);
      const text = await page.locator('body').innerText();
      if (!text.includes(role.region)) problems.push(`${role.landing} should name the region ${role.region}`);
    }
    for (const path of role.pages) {
      try {
        await page.setViewportSize(PHONE_VIEW);
        const res = await page.goto(path);
        if (res.status() === 404 && OPTIONAL_PAGES.has(path)) {
          state.skipped.push(`${role.username} ${path}`);
          t.diagnostic(`${path} answered 404 (not built yet): skipped`);
          continue;
        }
        assert.equal(res.status(), 200, `GET ${path} status`);
        assert.equal(pathOf(page), path, `GET ${path} should show the page, not redirect`);
        await assertDemoBanner(page);
        const bad = await a11y(page, `${role.username} ${path}`);
        await shot(page, `demo-${short}-${slug(path)}-375x812`);
        await page.setViewportSize(DESKTOP_VIEW);
        await shot(page, `demo-${short}-${slug(path)}-1366x768`);
        assert.equal(bad.length, 0, `axe: serious/critical violations:\n${describeViolations(bad)}`);
      } catch (err) {
        problems.push(`${path}: ${err.message}`);
        try {
          await page.screenshot({ path: join(SHOTS, `FAILED-demo-${short}-${slug(path)}.png`), fullPage: true });
        } catch { /* the page may be gone */ }
      }
    }
    for (const path of role.refused ?? []) {
      const res = await page.goto(path);
      if (res.status() !== 403) problems.push(`${path}: ${role.username} should be refused (403), got ${res.status()}`);
    }
    await page.setViewportSize(DESKTOP_VIEW);
    assert.deepEqual(problems, [], `pages of ${role.username}`);
  });
}

// Phones first (issue 16): every page of every role at 360 px, the smallest phone in use —
// nothing scrolls sideways, the header stays one row, and a worker gets the tab bar.
const NARROW = { width: 360, height: 800 };
const PUBLIC_PAGES = ['/', '/work', '/policy', '/policy/text', '/open/stats', '/events', '/consult', '/signup', '/signup/worker', '/signup/employer', '/login', '/login/reset', '/venues', '/places', '/sites', '/guide', '/guide/windows', '/news', '/fees/report', '/fees/track'];
const WIDE_TOUR = {
  'demo-worker': ['/services', '/services/items', '/services/onething', '/services/benefits', '/services/registration', '/services/training', '/complaints', '/venues/mine', '/places', '/places/mine', '/relief', '/archives/mine', '/events/mine', '/consult/mine', '/account', '/policy'],
  'demo-employer': ['/employer/posts/new', '/employer/events', '/employer/complaints', '/account'],
  'demo-county': ['/staff/persons', '/staff/benefits', '/staff/registrations', '/staff/payments', '/staff/training', '/staff/market/review', '/staff/market/employers', '/staff/market/registrations', '/staff/complaints', '/staff/events', '/staff/venues', '/staff/places', '/staff/sites', '/staff/relief', '/staff/archives', '/staff/consult', '/staff/imports', '/staff/ratings', '/staff/news', '/staff/news/new', '/staff/fee-reports', '/staff/fee-reports/departments'],
};

async function fits360(page, label, problems) {
  const m = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    width: window.innerWidth,
    header: Math.round(document.querySelector('header.top')?.getBoundingClientRect().height ?? 0),
  }));
  if (m.scrollWidth > m.width) {
    const culprits = await page.evaluate(() => Array.from(document.querySelectorAll('body *'))
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(-3)
      .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}"> ${(e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40)}`));
    problems.push(`${label}: scrolls sideways at 360 px (${m.scrollWidth}px wide): ${culprits.join(' | ')}`);
    await shot(page, `FAILED-360-${label.replace(/[^a-z0-9]+/gi, '-')}`);
  }
  // One row: the brand, 长辈版 and 菜单 (at most 12% of an 800 px screen, 18% in 长辈版).
  const elder = await page.evaluate(() => document.documentElement.classList.contains('elder'));
  if (m.header > (elder ? 144 : 96)) problems.push(`${label}: the header is ${m.header}px tall at 360 px`);
  return m;
}

test('every page fits a 360 px phone: no sideways scrolling, a one-row header, the worker\'s tab bar', async (t) => {
  const problems = [];
  const anon = await newContext(NARROW);
  const page = await anon.newPage();
  for (const path of PUBLIC_PAGES) {
    const res = await page.goto(path);
    if (res.status() !== 200) { problems.push(`${path}: status ${res.status()}`); continue; }
    await fits360(page, `anonymous ${path}`, problems);
  }
  await shot(page, 'phone360-anonymous-home');
  // The menu opens and holds the links the header no longer shows.
  await page.goto('/');
  await page.locator('details.menu > summary').click();
  if (!(await page.locator('details.menu nav a[href="/login"]').isVisible())) problems.push('the 菜单 should open and show 登录');
  await anon.close();
  for (const role of ROLES) {
    const rolePage = state.pages[role.username];
    if (!rolePage) continue;
    await rolePage.setViewportSize(NARROW);
    const tour = [...role.pages, ...(WIDE_TOUR[role.username] ?? [])];
    for (const path of tour) {
      const res = await rolePage.goto(path);
      if (res.status() !== 200) continue; // the role tests above report statuses
      await fits360(rolePage, `${role.username} ${path}`, problems);
      const tabs = await rolePage.locator('nav.tabbar a').count();
      if (role.username === 'demo-worker' && tabs !== 4) problems.push(`${path}: the worker should have the 4-tab bar, found ${tabs}`);
      if (role.username !== 'demo-worker' && tabs !== 0) problems.push(`${role.username} ${path}: only workers get the tab bar`);
    }
    if (role.username === 'demo-county') {
      // A wide staff table reads as one card per row on a phone, each value beside its column's name.
      await rolePage.goto('/staff/budgets');
      const card = await rolePage.evaluate(() => {
        const td = document.querySelector('table.stack tbody td[data-col]');
        if (!td) return null;
        return { display: getComputedStyle(td).display, label: getComputedStyle(td, '::before').content, head: getComputedStyle(td.closest('table').tHead).position };
      });
      if (!card) problems.push('/staff/budgets at 360 px: the budget table should be turned into cards (table.stack with data-col cells)');
      else if (card.display !== 'grid' || card.label !== '"县区"' || card.head !== 'absolute') problems.push(`/staff/budgets at 360 px: a card cell should show its column's name beside the value, got ${JSON.stringify(card)}`);
      await shot(rolePage, 'phone360-county-staff-budgets');
    }
    if (role.username === 'demo-worker') {
      await rolePage.goto('/services/benefits');
      const current = await rolePage.locator('nav.tabbar a[aria-current=page]').innerText().catch(() => '');
      if (current.trim() !== '办事') problems.push(`on /services/benefits the current tab should be 办事, was ${current}`);
      await shot(rolePage, 'phone360-worker-services-benefits');
    }
    await rolePage.setViewportSize(DESKTOP_VIEW);
  }
  t.diagnostic(`${problems.length} problem(s)`);
  assert.deepEqual(problems, []);
});

// The worker's way through on a phone (issue 16): the calculator's answer in plain words →
// the next step it links → 灵活就业一件事 → 我的办件 showing the item — at 360 px, with no
// sideways scrolling and no internal key (`pension.unpaid_2020_months`, `baojie.wuye`) in
// what the page says.
const INTERNAL_KEY = /\b[a-z]+(?:_[a-z0-9]+)*\.[a-z_]+(?:_[a-z0-9]+)*\b/;

async function plainWords(page, label, problems) {
  const text = await page.locator('main').innerText();
  const hit = text.match(INTERNAL_KEY);
  if (hit) problems.push(`${label}: an internal key in the page's words: ${hit[0]}`);
}

test('a worker on a phone: calculator → next step → 一件事 → 我的办件', async (t) => {
  const page = state.pages['demo-worker'];
  if (!page) return t.skip('needs the demo worker logged in');
  await page.setViewportSize(NARROW);
  const problems = [];
  // The calculator: a summary first, states in words, and a next step to follow.
  await page.goto('/policy');
  await page.locator('input[name=group]').first().check();
  await clickAndWait(page, page.locator('main form[action="/policy"] button[type=submit]').first());
  await fits360(page, 'calculator answer', problems);
  await plainWords(page, 'calculator answer', problems);
  const body = await page.locator('main').innerText();
  if (!/您目前可以享受/.test(body)) problems.push('the calculator answer should open with the summary 您目前可以享受…');
  await shot(page, 'phone360-worker-calculator');
  const next = page.locator('main a[href^="/services/registration"], main a[href^="/guide"], main a[href^="/services/training"]').first();
  if (await next.count()) {
    await clickAndWait(page, next);
    await fits360(page, `next step ${pathOf(page)}`, problems);
    await plainWords(page, `next step ${pathOf(page)}`, problems);
  } else {
    problems.push('a "not yet" answer should link the next step (registration, a course or the county window)');
  }
  // 灵活就业一件事: registration + enrolment + payable subsidies in one submission.
  await page.goto('/services/onething');
  await fits360(page, '一件事', problems);
  await page.locator('#flexible_form').selectOption({ index: 1 });
  const today = cstDate(0);
  await page.locator('#started_on').fill(today);
  await page.locator('#onething-form input[type=checkbox]').first().check();
  await page.locator('#start_month').fill(today.slice(0, 7));
  await page.locator('#base').fill('5000');
  await clickAndWait(page, page.locator('#onething-form button[value=preview]'), { allowErrorStatus: true });
  await plainWords(page, '一件事 preview', problems);
  await clickAndWait(page, page.locator('#onething-form button[value=submit]'), { allowErrorStatus: true });
  await shot(page, 'phone360-worker-onething-done');
  // 我的办件: the item with its steps.
  await page.goto('/services/items');
  await fits360(page, '我的办件', problems);
  await plainWords(page, '我的办件', problems);
  const items = await page.locator('main [data-kind]').count();
  if (items === 0) problems.push('我的办件 should list the worker\'s items');
  const steps = await page.locator('main ol.steps li').count();
  if (steps === 0) problems.push('我的办件 should show each item\'s steps');
  await shot(page, 'phone360-worker-items');
  await page.setViewportSize(DESKTOP_VIEW);
  assert.deepEqual(problems, []);
});

test('market flow: the employer posts a job and sees it live', async (t) => {
  if (!needs(t, 'login-employer')) return;
  const page = state.pages['demo-employer'];
  await step('flow-post', page, async () => {
    state.flow.startsOn = nextSaturday();
    await page.goto('/employer/posts/new');
    assert.equal(pathOf(page), '/employer/posts/new');
    await page.fill('input[name=title]', JOB.title);
    await page.fill('textarea[name=description]', JOB.description);
    const occupation = await page.locator('select[name=occupation] option').evaluateAll(
      (options, name) => (options.find((o) => o.textContent.trim() === name) || {}).value, JOB.occupation);
    assert.ok(occupation, `the occupation select should offer ${JOB.occupation}`);
    await page.selectOption('select[name=occupation]', occupation);
    await page.selectOption('select[name=form]', JOB.form);
    await page.selectOption('select[name=county_code]', JOB.county);
    await page.fill('input[name=address]', JOB.address);
    await page.fill('input[name=starts_on]', state.flow.startsOn);
    await page.fill('input[name=schedule]', JOB.schedule);
    await page.fill('input[name=hours_per_week]', JOB.hoursPerWeek);
    await page.fill('input[name=headcount]', JOB.headcount);
    await page.fill('input[name=pay]', JOB.pay);
    await page.fill('input[name=skills]', JOB.skills);
    await page.check('input[name=accident_cover]');
    await shot(page, 'demo-flow-post-new-1366x768');
    await submitFormOf(page, 'input[name=title]');
    const path = pathOf(page);
    assert.match(path, /^\/employer\/posts\/[0-9a-f-]{36}$/, `after posting expected /employer/posts/{uuid}, got ${path}`);
    state.flow.postId = path.split('/').pop();
    if (await page.locator('#post-held').count()) {
      throw new Error(`the post was held for review instead of going live: ${await page.locator('#post-held').innerText()}`);
    }
    const outcome = await page.locator('#post-outcome').innerText();
    assert.ok(outcome.includes('岗位已公开'), `the employer should see the post live (岗位已公开), sees ${JSON.stringify(outcome)}`);
    const fields = await page.locator('dl.kv').first().innerText();
    assert.ok(fields.includes('30') && fields.includes('小时'), `the post should show 30 元/小时: ${fields}`);
    assert.ok(fields.includes('小店区'), 'the post should be in 小店区');
    assert.ok(fields.includes(JOB.schedule), `the post should show the schedule ${JOB.schedule}`);
    const bad = await a11y(page, 'employer new post (live)');
    await shot(page, 'demo-flow-post-live-1366x768');
    assert.equal(bad.length, 0, `axe:\n${describeViolations(bad)}`);
  });
});

test('market flow: the worker finds the job by its title in 找活 and applies', async (t) => {
  if (!needs(t, 'login-worker', 'flow-post')) return;
  const page = state.pages['demo-worker'];
  await step('flow-apply', page, async () => {
    // The search index takes the new post shortly after it is saved.
    let link = null;
    for (let i = 0; i < 20 && !link; i++) {
      await page.goto('/work');
      await page.fill('input[name=q]', JOB.title);
      await submitFormOf(page, 'input[name=q]');
      const found = page.locator('#search-results a', { hasText: JOB.title });
      if (await found.count()) link = found.first();
      else await sleep(1000);
    }
    assert.ok(link, `searching 找活 for ${JOB.title} should find the new post`);
    await shot(page, 'demo-flow-search-375x812');
    await clickAndWait(page, link);
    assert.equal(pathOf(page), `/work/posts/${state.flow.postId}`, 'the search result should open the new post');
    await page.fill('textarea[name=message]', '周末两天都有空，做过家庭保洁。');
    await submitFormOf(page, 'textarea[name=message]');
    const text = await page.locator('main').innerText();
    assert.ok(text.includes('报名成功') || text.includes('您已报名该岗位'), `the worker should see that the application went in; sees:\n${text.slice(0, 800)}`);
    const bad = await a11y(page, 'worker post page (applied)');
    await shot(page, 'demo-flow-applied-375x812');
    assert.equal(bad.length, 0, `axe:\n${describeViolations(bad)}`);
  });
});

test('market flow: the employer hires the applicant from the post page', async (t) => {
  if (!needs(t, 'flow-apply')) return;
  const page = state.pages['demo-employer'];
  await step('flow-hire', page, async () => {
    await page.goto(`/employer/posts/${state.flow.postId}`);
    const forms = page.locator('#applications form[action$="/hire"]');
    assert.equal(await forms.count(), 1, 'the post should have exactly one application to hire');
    await forms.first().locator('input[name=start_date]').fill(state.flow.startsOn);
    await clickAndWait(page, forms.first().locator('button[type=submit]'));
    const path = pathOf(page);
    assert.match(path, /^\/employer\/hires\/[0-9a-f-]{36}$/, `after hiring expected /employer/hires/{uuid}, got ${path}`);
    const text = await page.locator('main').innerText();
    assert.ok(text.includes('已录用'), `the employer should see 已录用 (and the automatic 用工登记); sees:\n${text.slice(0, 800)}`);
    const bad = await a11y(page, 'employer hire page');
    await shot(page, 'demo-flow-hired-1366x768');
    assert.equal(bad.length, 0, `axe:\n${describeViolations(bad)}`);
  });
});

test('market flow: the employer proposes the 四(十) agreement and the worker confirms it', async (t) => {
  if (!needs(t, 'flow-hire', 'login-worker')) return;
  const emp = state.pages['demo-employer'];
  await step('flow-agreement', emp, async () => {
    const hirePath = pathOf(emp);
    assert.match(hirePath, /^\/employer\/hires\/[0-9a-f-]{36}$/, `expected to be on the hire page, got ${hirePath}`);
    state.flow.hireId = hirePath.split('/').pop();
    await emp.fill('input[name=service_time]', JOB.schedule);
    await emp.fill('input[name=pay_amount]', JOB.agreementPay);
    await emp.selectOption('select[name=pay_unit]', JOB.agreementPayUnit);
    await emp.fill('input[name=pay_cycle_days]', '7');
    await emp.fill('input[name=first_pay_on]', state.flow.startsOn);
    await emp.fill('input[name=rest]', '法定节假日休息');
    await emp.fill('textarea[name=safety]', '提供手套和防滑鞋，不安排高处作业');
    await emp.check('input[name=accident_cover]');
    await submitFormOf(emp, 'input[name=service_time]');
    const dl = await emp.locator('#agreement').innerText();
    assert.ok(dl.includes('已确认') && dl.includes('尚未确认'), `the employer's side is confirmed, the worker's not yet:\n${dl}`);
  });
  const w = state.pages['demo-worker'];
  await step('flow-agreement-confirm', w, async () => {
    await w.goto(`/work/hires/${state.flow.hireId}`);
    const confirm = w.locator('form[action$="/confirm"] button[type=submit]');
    assert.equal(await confirm.count(), 1, 'the worker should be asked to confirm the agreement');
    await clickAndWait(w, confirm.first());
    const dl = await w.locator('#agreement').innerText();
    assert.ok(!dl.includes('尚未确认'), `both sides should have confirmed:\n${dl}`);
    const bad = await a11y(w, 'worker hire page (agreement confirmed)');
    await shot(w, 'demo-flow-agreement-375x812');
    assert.equal(bad.length, 0, `axe:\n${describeViolations(bad)}`);
  });
});

test('market flow: the county staff see the new 用工登记', async (t) => {
  if (!needs(t, 'login-county', 'flow-hire')) return;
  const page = state.pages['demo-county'];
  await step('flow-registration', page, async () => {
    await page.goto('/staff/market/registrations');
    const row = page.locator('#registrations tbody tr', { hasText: JOB.title });
    assert.equal(await row.count(), 1, `/staff/market/registrations should list the 用工登记 of ${JOB.title} once`);
    const text = await row.first().innerText();
    assert.ok(text.includes('小店区'), `the registration should be in 小店区: ${text}`);
    const [y, m, d] = state.flow.startsOn.split('-').map(Number);
    assert.ok(text.includes(`${y}年${String(m).padStart(2, '0')}月${String(d).padStart(2, '0')}日`) || text.includes(`${y}年${m}月${d}日`),
      `the registration should show the start date ${state.flow.startsOn}: ${text}`);
  });
});

/**
 * Confirms identity again on /step-up (password and the code the demo shows there) and
 * comes back to `next`. A code is accepted once per time step, so a refused code waits for
 * the next step.
 */
async function stepUp(page, login, next) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.goto(`/step-up?next=${encodeURIComponent(next)}`);
    const code = (await page.locator('.notice', { hasText: '演示模式' }).locator('strong').first().innerText()).trim();
    await page.fill('input[name=password]', login.password);
    await page.fill('input[name=code]', code);
    await submitFormOf(page, 'input[name=code]', { allowErrorStatus: true });
    if (pathOf(page) === next) return;
    const left = 30 - ((Date.now() / 1000) % 30);
    await sleep(Math.ceil(left * 1000) + 1000);
  }
  throw new Error(`step-up of ${login.username} did not finish (on ${pathOf(page)})`);
}

test('账户管理: the system administrator proposes a county clerk, the security administrator approves, the clerk enrols on a phone and logs in', async (t) => {
  const sys = state.pages['demo-sysadmin'];
  const sec = state.pages['demo-secadmin'];
  if (!sys || !sec) return t.skip('the administrators did not log in');
  for (const p of [sys, sec]) p.on('dialog', (d) => d.accept());
  const clerk = { username: 'li.xiaodian', password: `晋祠 ${Date.now()} 难老泉` };
  await step('admin-propose', sys, async () => {
    await stepUp(sys, state.logins['demo-sysadmin'], '/admin/users');
    await sys.selectOption('#kind', 'create');
    await sys.fill('#username', clerk.username);
    await sys.fill('#display_name', '李小店');
    await sys.selectOption('#role', 'staff');
    await sys.selectOption('#scope_code', '140105');
    await sys.fill('#contact_phone', '13812345678');
    await sys.fill('#reason', '小店区政务服务中心窗口新进人员');
    await submitFormOf(sys, '#contact_phone');
    const text = await sys.locator('main').innerText();
    assert.ok(text.includes('已提出') && text.includes('等待安全管理员批准'), text.slice(0, 800));
    assert.ok(!text.includes('一次性密码') && !text.includes('13812345678'), 'no secret and no full phone on the page');
    await shot(sys, 'admin-proposed');
  });
  await step('admin-approve', sec, async () => {
    await stepUp(sec, state.logins['demo-secadmin'], '/admin/users');
    const card = sec.locator('.card', { hasText: clerk.username }).first();
    await clickAndWait(sec, card.locator('form[action$="/approve"] button'));
    const text = await sec.locator('main').innerText();
    assert.ok(text.includes('已批准并生效'), text.slice(0, 800));
    assert.ok(text.includes('138****5678'), 'the page says where the code went, masked');
    await shot(sec, 'admin-approved');
  });
  // The code went to the owner's phone: here, the demo's outbox directory.
  const outbox = join(state.dataDir, 'data', 'outbox');
  const message = readdirSync(outbox).filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(outbox, f), 'utf8')))
    .find((m) => m.username === clerk.username);
  assert.ok(message, `an enrolment message for ${clerk.username} in ${outbox}`);
  assert.equal(message.to, '13812345678');
  const code = message.text.match(/开通码 ([A-Z0-9-]{14})/)[1];
  const context = await newContext(PHONE_VIEW);
  const phone = await context.newPage();
  await step('enrol', phone, async () => {
    await phone.goto('/enrol');
    await shot(phone, 'enrol-1-phone');
    await phone.fill('#username', clerk.username);
    await phone.fill('#code', code.toLowerCase());
    await submitFormOf(phone, '#code');
    const secret = (await phone.locator('.secret').first().innerText()).trim();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await shot(phone, 'enrol-2-phone');
    const violations = blocking(await runAxe(phone));
    assert.equal(violations.length, 0, describeViolations(violations));
    await phone.fill('#password', clerk.password);
    await phone.fill('#password2', clerk.password);
    await phone.fill('#totp_code', totp(secret, Date.now()));
    await submitFormOf(phone, '#totp_code');
    assert.ok((await phone.locator('main').innerText()).includes('账户已开通'));
    await shot(phone, 'enrol-3-phone');
  });
  await step('enrolled-login', phone, async () => {
    await sleep(Math.ceil((30 - ((Date.now() / 1000) % 30)) * 1000) + 500);
    const landed = await demoLogin(phone, clerk);
    assert.equal(landed, '/staff');
  });
  await context.close();
});

test('注册: a worker signs up through the form (errors beside the field first) and lands in 找活', async () => {
  const context = await newContext(PHONE_VIEW);
  const page = await context.newPage();
  await step('signup', page, async () => {
    await page.goto('/login');
    await clickAndWait(page, page.locator('main a[href="/signup"]').first());
    assert.equal(pathOf(page), '/signup');
    let bad = await a11y(page, 'signup (choose)');
    assert.equal(bad.length, 0, `axe:\n${describeViolations(bad)}`);
    await shot(page, 'signup-375x812');
    await page.goto('/signup/employer');
    bad = await a11y(page, 'signup employer');
    assert.equal(bad.length, 0, `axe:\n${describeViolations(bad)}`);
    await shot(page, 'signup-employer-375x812');
    await clickAndWait(page, page.locator('main a[href="/signup/worker"]').first());
    assert.equal(pathOf(page), '/signup/worker');
    const first17 = '14010519910815' + String(100 + Math.floor(Math.random() * 800));
    const idNumber = first17 + idCheckChar(first17);
    const wrongId = first17 + (idCheckChar(first17) === '1' ? '2' : '1');
    const password = `晋阳 ${Date.now()} 灵活就业`;
    const fill = async (id) => {
      await page.fill('input[name=username]', 'browser.worker');
      await page.fill('input[name=password]', password);
      await page.fill('input[name=password2]', password);
      await page.fill('input[name=name]', '赵春燕');
      await page.fill('input[name=id_number]', id);
      await page.selectOption('select[name=county_code]', '140105');
    };
    await fill(wrongId);
    await submitFormOf(page, 'input[name=id_number]', { allowErrorStatus: true });
    assert.equal(pathOf(page), '/signup/worker');
    assert.ok(await page.locator('#id_number-error').count(), 'a wrong ID number is said beside the field');
    assert.equal(await page.inputValue('input[name=name]'), '赵春燕', 'the name stays');
    assert.equal(await page.inputValue('input[name=id_number]'), '', 'the ID number is not sent back');
    assert.ok(!(await page.content()).includes(wrongId.slice(0, 17)), 'the page does not carry the ID number');
    bad = await a11y(page, 'signup worker (errors)');
    assert.equal(bad.length, 0, `axe:\n${describeViolations(bad)}`);
    await shot(page, 'signup-worker-errors-375x812');
    await fill(idNumber);
    await submitFormOf(page, 'input[name=id_number]');
    assert.equal(pathOf(page), '/login', 'a sign-up ends on the login page');
    assert.ok((await page.locator('main').innerText()).includes('注册成功'), 'the login page says 注册成功');
    await page.fill('input[name=username]', 'browser.worker');
    await page.fill('input[name=password]', password);
    await submitFormOf(page, 'input[name=username]');
    assert.equal(pathOf(page), '/work', 'a new worker lands in 找活');
    await page.setViewportSize(DESKTOP_VIEW);
    await shot(page, 'signup-worker-landed-1366x768');
  });
  await context.close();
});

/** The check character of the first 17 characters of an ID number (GB 11643). */
function idCheckChar(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i];
  return '10X98765432'[sum % 11];
}

test('axe: no serious or critical violations on any page visited', () => {
  const report = state.a11y
    .map(({ page, url, violations }) => ({ page, url, bad: blocking(violations) }))
    .filter((r) => r.bad.length);
  assert.ok(state.a11y.length > 0, 'no page was checked');
  assert.equal(report.length, 0, report.map((r) => `${r.page} (${r.url}):\n${describeViolations(r.bad)}`).join('\n'));
});

test('no ID number or phone number in any request URL', () => {
  assert.ok(state.requestUrls.length > 0, 'no requests were recorded');
  const leaks = state.requestUrls.filter((u) => findPiiInUrl(u).length);
  assert.deepEqual(leaks, [], 'request URLs carrying personal data');
});

test('no unmasked ID number or phone number in any page received', () => {
  const leaks = state.piiInPages.map((l) => `${l.kind} in ${l.url}`);
  assert.deepEqual([...new Set(leaks)], [], 'responses carrying unmasked personal data');
});

test('no Content-Security-Policy violations or script errors in the pages', () => {
  assert.deepEqual(state.consoleErrors.filter((e) => /Content Security Policy|uncaught:/i.test(e.text)), []);
});
