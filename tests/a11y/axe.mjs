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
// default 300), A11Y_JOBS (visitors crawling at once, default 2).
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
    // An objective in the amendment editor ("0.1": priority and objective).
    .replace(/\/\d+\.\d+(?=\/|$)/g, '/N.N')
    .replace(/\/m\d+(?=\/|$)/g, '/mN')
    // Codes of districts and municipalities (PDV, PDV22) are ids too.
    .replace(/\/[A-Z]{2,3}\d*(?=\/|$)/g, '/C')
    .replace(/\/s\/[^/]+/, '/s/T');
  // Query values (years, versions, filters) do not make another kind of page.
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
  const context = await browser.newContext({
    bypassCSP: true,
    locale: visitor.lang === 'en' ? 'en-GB' : 'bg-BG',
    viewport: { width: visitor.width, height: visitor.width > 800 ? 900 : 844 },
  });
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
      // A link that answers with an attachment is a download, not a page (whatever its path).
      if (/Download is starting/.test(e.message)) continue;
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
    if (visitor.lang === 'en') {
      // English complete: interface text in Bulgarian left in an English page. Bulgarian
      // content (plan text, names) must sit inside an element marked lang="bg".
      const left = await page.evaluate(() => {
        const cyrillic = /[\u0400-\u04FF]/;
        const out = [];
        const outsideBg = (el) => !(el.closest('[lang]')?.getAttribute('lang') || '').startsWith('bg');
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const el = n.parentElement;
          const t = n.textContent.trim();
          if (!el || !cyrillic.test(t) || el.closest('script,style,template')) continue;
          if (outsideBg(el)) out.push(t.slice(0, 60));
        }
        for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],img[alt]')) {
          for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
            const v = el.getAttribute(a);
            if (v && cyrillic.test(v) && outsideBg(el)) out.push(`@${a}: ${v.slice(0, 60)}`);
          }
        }
        return [...new Set(out)];
      });
      if (left.length > 0) {
        // Report-only until every view takes the language (issue 17); A11Y_ENGLISH_STRICT=1 fails.
        (ENGLISH_STRICT ? failures : englishLeft).push({
          visitor: visitor.name,
          url: key,
          what: `Bulgarian text outside lang="bg" in an English page (${left.length})`,
          nodes: left.slice(0, 5),
        });
      }
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
// Staff see one plan page of each shape, which may not be the plan they amend: the demo's first
// plan (Пловдив) keeps amendments in preparation, so its amendment pages are a start of their own
// (a 403 page for those who may not amend it).
const staffStart = ['/', '/account', '/rounds', '/audit', '/admin/users', '/admin/import', '/plans/1/amend'];
// Every public page in both languages at a desktop (1366 px) and a phone (390 px) width; staff
// pages as each role in Bulgarian on a desktop and in English on a phone.
const ENGLISH_ONLY = process.env.A11Y_ENGLISH_ONLY === '1';
const ENGLISH_STRICT = process.env.A11Y_ENGLISH_STRICT === '1';
const englishLeft = [];
const visitors = [
  ...[1366, 390].flatMap((width) => ['bg', 'en'].map((lang) => (
    { name: `anonymous (${lang}, ${width} px)`, lang, width, start: publicStart }))),
  ...logins().flatMap((login) => [
    { name: `${login.role} (bg, 1366 px)`, lang: 'bg', width: 1366, login, start: staffStart },
    { name: `${login.role} (en, 390 px)`, lang: 'en', width: 390, login, start: staffStart },
  ]),
].filter((v) => !ENGLISH_ONLY || v.lang === 'en');
// Visitors crawl side by side, A11Y_JOBS at a time (default 2: the server and the browser
// take turns on the machine's cores), each in its own browser context.
const JOBS = Math.max(1, Number(process.env.A11Y_JOBS || 2));
let pages = 0;
let next = 0;
async function worker() {
  while (next < visitors.length) {
    const visitor = visitors[next];
    next += 1;
    const own = [];
    const n = await crawl(browser, visitor, visitor.start, own);
    pages += n;
    failures.push(...own);
    console.log(`${visitor.name}: ${n} pages, ${own.length} problems`);
  }
}
await Promise.all(Array.from({ length: JOBS }, worker));
await browser.close();
if (englishLeft.length > 0) {
  const texts = new Map();
  for (const f of englishLeft) for (const t of f.nodes) texts.set(t, (texts.get(t) || 0) + 1);
  console.log(`english: ${englishLeft.length} English pages still show Bulgarian outside lang="bg"; most frequent:`);
  for (const [t, n] of [...texts].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${n}× ${t}`);
}
for (const f of failures) {
  console.log(`FAIL [${f.visitor}] ${f.url}\n     ${f.what}${f.nodes ? `\n     at ${f.nodes.join(' | ')}` : ''}`);
}
const failed = new Set(failures.map((f) => `${f.visitor} ${f.url}`)).size;
console.log(`a11y: ${pages - failed} passed, ${failed} failed`);
process.exit(failures.length > 0 ? 1 : 0);
