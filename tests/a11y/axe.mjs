// Accessibility check of every page planmon serves, the way users' tools check it: axe-core
// (WCAG 2.0/2.1 A and AA rules) in headless Chromium, driven by playwright-core.
//
// It crawls the running server as an anonymous visitor (in Bulgarian and in English) and as each
// demo role, following every link on this site, and runs axe on each page of each shape (paths
// with their numbers and keys generalised, a few of each). A page that answers 5xx, a link that
// answers 404, or any axe violation fails the run.
//
// Environment: PLANMON_BASE (the server, e.g. http://127.0.0.1:8099), PLANMON_LOGINS (a file of
// "email password role" lines, as `serve --demo` prints them), CHROMIUM (default
// /usr/bin/chromium), A11Y_PER_SHAPE (pages per shape, default 2), A11Y_MAX_PAGES (per visitor,
// default 300).
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const BASE = (process.env.PLANMON_BASE || 'http://127.0.0.1:8080').replace(/\/$/, '');
const PER_SHAPE = Number(process.env.A11Y_PER_SHAPE || 2);
const MAX_PAGES = Number(process.env.A11Y_MAX_PAGES || 300);
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// Links that are not pages: downloads, actions, other languages (visited as their own visitor).
const SKIP = [
  /^\/logout/, /^\/admin\/logout/, /^\/lang\//, /^\/static\//, /^\/api\//, /\/download\//,
  /\.(json|jsonld|xlsx|docx|pdf|csv|xml|png|svg|txt|zip)(\?|$)/, /\/evidence\//, /^\/healthz/,
];

/** A path with its ids generalised, so each kind of page is visited a few times, not all. */
function shape(url) {
  const u = new URL(url);
  const path = u.pathname
    .replace(/\/\d+(?=\/|$)/g, '/N')
    .replace(/\/m\d+(?=\/|$)/g, '/mN')
    .replace(/\/s\/[^/]+/, '/s/T');
  const keys = [...u.searchParams.keys()].sort().join('&');
  return keys ? `${path}?${keys}` : path;
}

function logins() {
  const file = process.env.PLANMON_LOGINS;
  if (!file) return [];
  const byRole = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = line.trim().match(/^(\S+@\S+)\s+(\S+)\s+(.+)$/);
    // One account per kind (admin@, koordinator.*, zveno.*, institucia1.*): the e-mail's first
    // word without its number.
    const kind = m ? m[1].split(/[.@]/)[0].replace(/\d+$/, '') : null;
    if (m && !byRole.has(kind)) byRole.set(kind, { email: m[1], password: m[2], role: m[3] });
  }
  return [...byRole.values()];
}

async function crawl(browser, visitor, start, failures) {
  // Signed-in visitors see the public pages too, with the staff header: one of each kind.
  const perShape = visitor.login ? 1 : PER_SHAPE;
  const context = await browser.newContext({ bypassCSP: true, locale: visitor.lang === 'en' ? 'en-GB' : 'bg-BG' });
  const page = await context.newPage();
  if (visitor.lang === 'en') {
    await page.goto(`${BASE}/lang/en?back=/`);
  }
  if (visitor.login) {
    await page.goto(`${BASE}/login`);
    await page.fill('#email', visitor.login.email);
    await page.fill('#password', visitor.login.password);
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/login"] button[type=submit]')]);
    if (new URL(page.url()).pathname === '/login') {
      failures.push({ visitor: visitor.name, url: '/login', what: 'login failed' });
      await context.close();
      return 0;
    }
  }
  const queue = start.map((p) => `${BASE}${p}`);
  const seen = new Set();
  const shapes = new Map();
  let visited = 0;
  while (queue.length > 0 && visited < MAX_PAGES) {
    const url = queue.shift();
    const key = url.replace(/#.*$/, '');
    if (seen.has(key)) continue;
    seen.add(key);
    const s = shape(key);
    const n = shapes.get(s) || 0;
    if (n >= perShape) continue;
    shapes.set(s, n + 1);
    let response;
    try {
      response = await page.goto(key, { waitUntil: 'load' });
    } catch (e) {
      failures.push({ visitor: visitor.name, url: key, what: `not loaded: ${e.message}` });
      continue;
    }
    visited += 1;
    const status = response ? response.status() : 0;
    const type = response ? response.headers()['content-type'] || '' : '';
    if (status >= 500 || status === 404) {
      failures.push({ visitor: visitor.name, url: key, what: `HTTP ${status}` });
      continue;
    }
    if (!type.startsWith('text/html')) continue;
    await page.addScriptTag({ path: AXE });
    const result = await page.evaluate(
      (tags) => globalThis.axe.run(document, { runOnly: { type: 'tag', values: tags } }),
      TAGS,
    );
    for (const v of result.violations) {
      failures.push({
        visitor: visitor.name,
        url: key,
        what: `${v.id} (${v.impact}): ${v.help}`,
        nodes: v.nodes.slice(0, 3).map((node) => node.target.join(' ')),
      });
    }
    const links = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
    for (const link of links) {
      if (!link.startsWith(BASE)) continue;
      const path = link.slice(BASE.length) || '/';
      if (SKIP.some((re) => re.test(path))) continue;
      queue.push(link.replace(/#.*$/, ''));
    }
  }
  await context.close();
  return visited;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const failures = [];
const publicStart = ['/', '/accessibility', '/search?q=%D1%83%D1%87%D0%B8%D0%BB%D0%B8%D1%89%D0%B5', '/institutions', '/login'];
const staffStart = ['/', '/account', '/rounds', '/audit', '/admin/users', '/admin/import'];
const visitors = [
  { name: 'anonymous (bg)', lang: 'bg', start: publicStart },
  { name: 'anonymous (en)', lang: 'en', start: publicStart },
  ...logins().map((login) => ({ name: login.role, lang: 'bg', login, start: staffStart })),
];
let pages = 0;
for (const visitor of visitors) {
  const before = failures.length;
  const n = await crawl(browser, visitor, visitor.start, failures);
  pages += n;
  console.log(`${visitor.name}: ${n} pages, ${failures.length - before} problems`);
}
await browser.close();
for (const f of failures) {
  console.log(`FAIL [${f.visitor}] ${f.url}\n     ${f.what}${f.nodes ? `\n     at ${f.nodes.join(' | ')}` : ''}`);
}
const failed = new Set(failures.map((f) => `${f.visitor} ${f.url}`)).size;
console.log(`a11y: ${pages - failed} passed, ${failed} failed`);
process.exit(failures.length > 0 ? 1 : 0);
