// Page helpers for the browser tests that need no shared state: navigation
// through forms, screenshots, page descriptions for failures, and finding
// unmasked ID numbers and phone numbers in URLs and pages.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const PHONE_VIEW = { width: 375, height: 812 };
export const DESKTOP_VIEW = { width: 1366, height: 768 };

export function pathOf(page) {
  return new URL(page.url()).pathname;
}

/** A full-page screenshot into `dir`/`name`.png. */
export async function shot(page, dir, name) {
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Page URL and visible text, for error messages. */
export async function describePage(page) {
  let text = '';
  try {
    text = await page.evaluate(() => document.body ? document.body.innerText : document.documentElement.outerHTML);
  } catch (e) {
    text = `(could not read page text: ${e.message})`;
  }
  return `page ${page.url()}\n----- page text -----\n${text.slice(0, 3000)}\n---------------------`;
}

/**
 * Fails with a clear message when a form submission (a POST and the redirects
 * after it) ended on an error status: names the request, its status and the
 * Origin header the browser sent, which is what a CSRF check looks at.
 */
export async function refuseErrorStatus(response) {
  if (!response || response.status() < 400) return;
  let first = response.request();
  while (first.redirectedFrom()) first = first.redirectedFrom();
  const origin = await first.headerValue('origin').catch(() => null);
  const fetchSite = await first.headerValue('sec-fetch-site').catch(() => null);
  throw new Error(`${first.method()} ${new URL(first.url()).pathname} ended with HTTP ${response.status()} at ${new URL(response.url()).pathname} ` +
    `(the browser sent Origin: ${origin ?? '(none)'}, Sec-Fetch-Site: ${fetchSite ?? '(none)'})`);
}

/** Clicks something that submits a form or follows a link, and waits for the next page. */
export async function clickAndWait(page, locator, { allowErrorStatus = false } = {}) {
  const target = typeof locator === 'string' ? page.locator(locator).first() : locator;
  await target.waitFor({ state: 'visible' });
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), target.click()]);
  await page.waitForLoadState('load');
  if (!allowErrorStatus) await refuseErrorStatus(response);
  return response;
}

/** Submits the form that holds `fieldSelector` with its submit button. */
export async function submitFormOf(page, fieldSelector, options) {
  const form = page.locator(`form:has(${fieldSelector})`).first();
  const button = form.locator('button[type=submit], input[type=submit], button:not([type])').first();
  return clickAndWait(page, button, options);
}

// ------------------------------------------------------------ personal data

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** Whether 18 characters are a resident ID number with a correct check character (GB 11643). */
export function isIdNumber(s) {
  if (!/^\d{17}[\dX]$/i.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11] === s[17].toUpperCase();
}

// Not part of a longer run of letters or digits (so UUIDs, hashes and tokens
// do not count).
const ID_RE = /(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;
const PHONE_RE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/g;

/**
 * Unmasked personal data in a text: resident ID numbers (with a valid check
 * character) and mainland mobile numbers, each standing alone.
 */
export function findPii(text) {
  const found = [];
  for (const m of String(text).matchAll(ID_RE)) if (isIdNumber(m[0])) found.push({ kind: 'ID number', value: m[0] });
  for (const m of String(text).matchAll(PHONE_RE)) found.push({ kind: 'phone number', value: m[0] });
  return found;
}

/** Unmasked personal data in a URL, also after percent-decoding. */
export function findPiiInUrl(url) {
  let decoded = url;
  try {
    decoded = decodeURIComponent(url);
  } catch { /* a malformed escape: check the raw URL only */ }
  const found = findPii(url);
  if (decoded !== url) found.push(...findPii(decoded));
  return found;
}
