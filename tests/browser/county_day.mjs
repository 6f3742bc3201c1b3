// A county service window's day in real Chromium, through the pages:
// the clerk registers a person and files 灵活就业登记 for them (with consent) →
// the register's premiums arrive → the application is decided by the system at
// once → a second, self-declared application is reviewed by one colleague and
// approved by another (the reviewer may not approve it) → the decision notice →
// a bank batch is generated, downloaded twice (the same bytes) and the bank's
// answer uploaded → reconciled → a worker's complaint goes to mediation and ends
// with an agreement the worker can read. axe on every page; screenshots in
// artifacts/screenshots/day-*.png.
//
//   node --test-reporter=tap tests/browser/county_day.mjs
// Environment as run.mjs (TEST_LINGHUO_BIN, CHROMIUM, ARTIFACTS_DIR, KEEP_DATA).

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
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1366, height: 768 };

const state = { dataDir: null, server: null, browser: null, users: {}, a11y: [] };

// Two persons with valid ID numbers (checksum computed below).
function idNumber(seq) {
  const first17 = `14010519850611${String(seq).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

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

async function clickAndWait(page, locator) {
  const target = typeof locator === 'string' ? page.locator(locator).first() : locator;
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), target.click()]);
  await page.waitForLoadState('load');
  return response;
}

/** Submits the form with `action` ending in `suffix`; fails on an error status. */
async function submit(page, suffix, { allow = [] } = {}) {
  const form = page.locator(`form[action$="${suffix}"]`).first();
  const button = form.locator('button[type=submit], button:not([type])').first();
  let response;
  try {
    response = await clickAndWait(page, button);
  } catch (e) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `day-FAILED.png`), fullPage: true }).catch(() => {});
    const text = await page.evaluate(() => document.body.innerText).catch(() => '');
    throw new Error(`submitting …${suffix} at ${page.url()}: ${e.message}\n${text.slice(0, 1500)}`);
  }
  if (response && response.status() >= 400 && !allow.includes(response.status())) {
    const text = await page.evaluate(() => document.body.innerText);
    throw new Error(`POST …${suffix} → HTTP ${response.status()}\n${text.slice(0, 1500)}`);
  }
  return response;
}

async function fill(page, suffix, fields) {
  const form = page.locator(`form[action$="${suffix}"]`).first();
  for (const [name, value] of Object.entries(fields)) {
    const el = form.locator(`[name="${name}"]`).first();
    const [tag, type] = await el.evaluate((e) => [e.tagName.toLowerCase(), (e.getAttribute('type') || '').toLowerCase()]);
    if (tag === 'select') await el.selectOption(value);
    else if (type === 'radio') await form.locator(`[name="${name}"][value="${value}"]`).check();
    else if (type === 'checkbox') await form.locator(`[name="${name}"][value="${value}"]`).check();
    else await el.fill(value);
  }
}

async function login(page, user) {
  await page.goto('/login');
  for (let round = 0; round < 8; round++) {
    if (await page.locator('input[name=username]').count()) {
      await page.fill('input[name=username]', user.username);
      await page.fill('input[name=password]', user.password);
      await clickAndWait(page, page.locator('form:has(input[name=username]) button').first());
    } else if (await page.locator('input[name=code]').count()) {
      await page.fill('input[name=code]', await nextCode(user));
      await clickAndWait(page, page.locator('form:has(input[name=code]) button').first());
    } else if (await page.locator('input[name=new_password]').count()) {
      const fresh = `Lh-${randomBytes(9).toString('base64url')}-晋阳2020!`;
      await page.fill('input[name=old_password]', user.password);
      await page.fill('input[name=new_password]', fresh);
      await page.fill('input[name=new_password2]', fresh);
      await clickAndWait(page, page.locator('form:has(input[name=new_password]) button').first());
      user.password = fresh;
    } else {
      return;
    }
  }
  throw new Error('login did not finish');
}

async function check(page, label) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `day-${label}.png`), fullPage: true });
  const violations = await runAxe(page);
  state.a11y.push({ page: label, url: page.url(), violations });
  const bad = blocking(violations);
  assert.equal(bad.length, 0, `axe on ${label}: ${describeViolations(bad)}`);
  const html = await page.content();
  for (const id of [idNumber(1), idNumber(2)]) {
    assert.ok(!html.includes(id) && !page.url().includes(id), `full ID number on ${label}`);
  }
}

/** A JSON API call in the page's session (the CSRF token from /api/v1/session). */
async function api(page, method, path, data) {
  const s = await page.request.get('/api/v1/session');
  const csrf = (await s.json()).csrf_token;
  const r = await page.request.fetch(path, { method, data, headers: { 'x-csrf-token': csrf } });
  return { status: r.status(), body: await r.text() };
}

async function staffPage(key, viewport = DESKTOP) {
  const context = await state.browser.newContext({
    viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL: state.server.base,
  });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  // Forms that ask "are you sure?" (data-confirm) are confirmed, as a clerk would.
  page.on('dialog', (d) => d.accept());
  await login(page, state.users[key]);
  return page;
}

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}`);
  mkdirSync(SHOTS, { recursive: true });
  state.dataDir = mkdtempSync(join(tmpdir(), 'linghuo-day-'));
  const specs = {
    clerk: { username: 'day.clerk', name: '窗口经办员', role: 'staff', scope: '140105' },
    reviewer: { username: 'day.reviewer', name: '初审员', role: 'staff', scope: '140105' },
    approver: { username: 'day.approver', name: '审批员', role: 'staff', scope: '140105', permissions: ['bank:export'] },
  };
  for (const [key, spec] of Object.entries(specs)) {
    const out = addUser(BIN, state.dataDir, spec);
    const uri = out.otpauth_uri ? parseOtpauth(out.otpauth_uri) : {};
    state.users[key] = {
      username: spec.username,
      password: out.one_time_password,
      totp: { secret: out.totp_secret || uri.secret, period: uri.period || 30, digits: uri.digits || 6, algorithm: uri.algorithm || 'sha1' },
    };
  }
  state.server = await startServer(BIN, state.dataDir, join(ARTIFACTS, 'county-day-server.log'));
  state.browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
});

after(async () => {
  if (state.browser) await state.browser.close().catch(() => {});
  if (state.server) await state.server.stop().catch(() => {});
  if (state.dataDir && !process.env.KEEP_DATA) rmSync(state.dataDir, { recursive: true, force: true });
  writeFileSync(join(ARTIFACTS, 'county-day-a11y.json'), JSON.stringify(state.a11y, null, 2));
});

test('a county window\'s day: register, automatic decision, review and approval, bank batch, complaint to mediation', async () => {
  // ---- 08:30 the clerk opens the workbench
  const clerk = await staffPage('clerk');
  await clerk.goto('/staff');
  await check(clerk, '01-workbench');

  // ---- a person at the window: registered with a checked group
  await clerk.goto('/staff/persons/new');
  await clerk.fill('[name=name]', '韩春梅');
  await clerk.fill('[name=id_number]', idNumber(1));
  await clerk.selectOption('[name=jurisdiction_code]', '140105');
  await clerk.locator('[name=group][value=hard_to_employ]').check();
  await clerk.fill('[name=group_since]', '2025-01-01');
  await clerk.fill('[name=evidence]', '就业困难人员认定表（原件已核）');
  await clickAndWait(clerk, clerk.locator('form:has([name=id_number]) button[type=submit]').first());
  const p1 = new URL(clerk.url()).pathname.split('/').pop();
  assert.match(p1, /^[0-9a-f-]{36}$/, `person page, got ${clerk.url()}`);
  // A second person, whose group is self-declared (so a reviewer must check it).
  const r = await api(clerk, 'POST', '/api/v1/persons', {
    name: '王建国', id_number: idNumber(2), jurisdiction_code: '140105',
    groups: [{ group: 'hard_to_employ', since: '2025-01-01', source: 'self_declared' }],
  });
  assert.equal(r.status, 201, r.body);
  const p2 = JSON.parse(r.body).id;
  // The social-insurance agency's records arrive (the register's import).
  const csv = `身份证号码,缴费月份,缴费金额\n${idNumber(1)},2026-01,600.00\n${idNumber(1)},2026-02,600.00\n${idNumber(1)},2026-03,600.00\n` +
    `${idNumber(2)},2026-01,450.00\n${idNumber(2)},2026-02,450.00\n`;
  const imp = await api(clerk, 'POST', '/api/v1/imports/social-insurance', {
    file_name: 'si.csv', content_base64: Buffer.from(csv).toString('base64'), all_or_nothing: true,
  });
  assert.equal(imp.status, 200, imp.body);

  // ---- 窗口代办: 灵活就业登记, the account, and the application — decided at once
  await clerk.goto(`/staff/persons/${p1}/window`);
  await check(clerk, '02-window');
  await fill(clerk, '/window/register', { kind: 'flexible', flexible_form: 'gig', consent_note: '本人到窗口书面同意' });
  await submit(clerk, '/window/register');
  assert.match(await clerk.locator('#card-number').innerText(), /140105\d{10}/);
  await fill(clerk, '/window/payee', { bank_name: '中国工商银行太原分行', account: '6222000011112222', consent_note: '本人提供银行卡' });
  await submit(clerk, '/window/payee');
  assert.match(await clerk.locator('#payee-now').innerText(), /\*\*\*\*2222/);
  await fill(clerk, '/window/apply', { benefit: 'social_insurance_subsidy', consent_note: '本人书面申请' });
  await submit(clerk, '/window/apply');
  await check(clerk, '03-automatic-decision');
  let text = await clerk.evaluate(() => document.body.innerText);
  assert.ok(text.includes('已批准') && text.includes('1200.00'), `automatic decision:\n${text.slice(0, 1200)}`);

  // The second person's application waits for review.
  await clerk.goto(`/staff/persons/${p2}/window`);
  await fill(clerk, '/window/payee', { bank_name: '中国建设银行太原分行', account: '6217000033334444', consent_note: '本人提供银行卡' });
  await submit(clerk, '/window/payee');
  await fill(clerk, '/window/apply', { benefit: 'social_insurance_subsidy', consent_note: '本人书面申请' });
  await submit(clerk, '/window/apply');
  text = await clerk.evaluate(() => document.body.innerText);
  assert.ok(text.includes('待初审'), `manual application:\n${text.slice(0, 1200)}`);
  const app2 = new URL(clerk.url()).pathname.split('/').filter(Boolean).find((s) => /^[0-9a-f-]{36}$/.test(s));
  assert.ok(app2, `application page, got ${clerk.url()}`);

  // ---- the reviewer checks the declared group; may not then approve it
  const reviewer = await staffPage('reviewer', PHONE);
  await reviewer.goto('/staff/benefits?status=pending_review');
  await check(reviewer, '04-review-queue-phone');
  await reviewer.goto(`/staff/benefits/${app2}`);
  await fill(reviewer, '/review', { outcome: 'approve', note: '已核对就业困难人员认定表原件' });
  await submit(reviewer, '/review');
  text = await reviewer.evaluate(() => document.body.innerText);
  assert.ok(text.includes('待审批'), text.slice(0, 800));
  // The 初审 person is not offered the 审批 form (the service refuses it too, see the
  // services_pages tests): the page says another member of staff decides.
  assert.equal(await reviewer.locator('form[action$="/decision"]').count(), 0, 'the 初审 person should see no 审批 form');
  assert.ok(text.includes('须由另一位工作人员审批'), text.slice(0, 1200));

  // ---- the approver decides; the notice cites the clause and says how to object
  const approver = await staffPage('approver');
  await approver.goto(`/staff/benefits/${app2}`);
  await check(approver, '05-decision');
  await fill(approver, '/decision', { outcome: 'approve', note: '同意', confirm: 'yes' });
  await submit(approver, '/decision');
  text = await approver.evaluate(() => document.body.innerText);
  assert.ok(text.includes('已批准') && text.includes('600.00'), text.slice(0, 800));
  await approver.goto(`/staff/benefits/${app2}/notice`);
  await check(approver, '06-decision-notice');
  text = await approver.evaluate(() => document.body.innerText);
  assert.ok(text.includes('行政复议') && text.includes('二(二)'), text.slice(0, 1500));

  // ---- payments: a batch, downloaded twice, the bank's answer uploaded, reconciled
  await approver.goto('/staff/payments');
  await check(approver, '07-payments');
  assert.equal((await approver.locator('#pending-count').innerText()).trim(), '2');
  await submit(approver, '/staff/payments');
  const batch = new URL(approver.url()).pathname.split('/').pop();
  assert.match(batch, /^[0-9a-f-]{36}$/, `batch page, got ${approver.url()}`);
  // The bank file holds full account numbers: the approver confirms identity (step-up) on
  // the page first, and comes back to the batch.
  await approver.goto(`/step-up?next=/staff/payments/${batch}`);
  await check(approver, '07b-step-up');
  await approver.fill('input[name=password]', state.users.approver.password);
  await approver.fill('input[name=code]', await nextCode(state.users.approver));
  await clickAndWait(approver, approver.locator('form[action="/step-up"] button'));
  assert.equal(new URL(approver.url()).pathname, `/staff/payments/${batch}`);
  const f1 = await (await approver.request.get(`/staff/payments/${batch}/bank.csv`)).body();
  const f2 = await (await approver.request.get(`/staff/payments/${batch}/bank.csv`)).body();
  assert.ok(f1.equals(f2), 'a batch downloaded twice is the same file');
  const lines = f1.toString('utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.match(lines.at(-1), /^MAC,HMAC-SHA256,[0-9a-f]{64}$/);
  let result = '付款参考号,金额,结果,银行流水号,说明\n';
  for (const line of lines.slice(1, -1)) {
    const cells = line.split(',');
    result += `${cells[1]},${cells[5]},成功,BK${cells[1].slice(-6)},\n`;
  }
  await approver.locator('form[action$="/result"] input[type=file]').setInputFiles({
    name: 'result.csv', mimeType: 'text/csv', buffer: Buffer.from(result),
  });
  await submit(approver, '/result');
  await check(approver, '08-reconciled');
  assert.ok((await approver.locator('#batch-status').innerText()).includes('已对账'));

  // ---- a worker's complaint about an illegal fee goes to mediation
  const wctx = await state.browser.newContext({ viewport: PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL: state.server.base });
  const worker = await wctx.newPage();
  worker.on('dialog', (d) => d.accept());
  await worker.goto('/');
  const su = await api(worker, 'POST', '/api/v1/signup/worker', {
    username: 'day.worker', password: '汾河水长流 2026 秋', name: '李秀英', id_number: idNumber(3),
    phone: '13712340003', county_code: '140105',
  });
  assert.equal(su.status, 201, su.body);
  await login(worker, { username: 'day.worker', password: '汾河水长流 2026 秋' });
  await worker.goto('/complaints');
  await fill(worker, '/complaints', { category: 'illegal_fee', description: '某中介让我先交300元报名费才介绍零工，交钱后再也联系不上。' });
  await submit(worker, '/complaints');
  const complaint = new URL(worker.url()).pathname.split('/').pop();
  assert.match(complaint, /^[0-9a-f-]{36}$/, `complaint page, got ${worker.url()}`);
  await check(worker, '09-complaint-filed-phone');

  await clerk.goto(`/staff/complaints/${complaint}`);
  await submit(clerk, '/acknowledge');
  await fill(clerk, '/refer', { organisation_kind: 'people_mediation', organisation_name: '坞城街道人民调解委员会', parties: '投诉人；某中介' });
  await submit(clerk, '/refer');
  await fill(clerk, '/session', { held_at: '2026-12-10T09:30', place: '坞城街道调解室', attendance: '投诉人、中介负责人、调解员' });
  await submit(clerk, '/session');
  await fill(clerk, '/outcome', { outcome: 'agreed', agreement: '中介当场退还报名费300元', amount: '300.00' });
  await submit(clerk, '/outcome');
  await check(clerk, '10-mediation-agreed');

  await worker.goto(`/complaints/${complaint}`);
  text = await worker.evaluate(() => document.body.innerText);
  assert.ok(text.includes('调解') && text.includes('退还报名费'), text.slice(0, 1500));
  await check(worker, '11-complainant-follows');
});
