// The yearly cycle walked through as new users would, in headless Chromium (issue 17): only the
// start page and a submission link taken from a page are typed; everything else is clicking
// links and filling forms.
//
//   coordinator logs in → lands on /work → opens a round with a deadline → issues a submission
//   link → the institution's reporter (anonymous, through the link) fills an update and attaches
//   evidence without losing what was typed (a refused file first), submits → the reviewer
//   returns it → the reporter fixes it → the reviewer approves → the coordinator closes the
//   round on its confirmation page → starts the annual report and submits it → the reviewer
//   approves it → the coordinator records the council's adoption (a small PDF) and publishes it
//   → the public report page shows it and the measure's public page shows the approved update.
//
// Every response of this site must be below 500, and axe-core (WCAG 2.1 A and AA) must find no
// violation on any page visited. Environment: PLANMON_BASE, PLANMON_LOGINS (the "email password
// role" lines `serve --demo` prints), CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const BASE = (process.env.PLANMON_BASE || 'http://127.0.0.1:8080').replace(/\/$/, '');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const started = Date.now();
const failures = [];
let pages = 0;

/** The demo accounts by e-mail. */
function logins() {
  const file = process.env.PLANMON_LOGINS;
  if (!file) throw new Error('PLANMON_LOGINS is not set');
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim().match(/^(\S+@\S+)\s+(\S+)\s+(.+)$/))
    .filter(Boolean)
    .map((m) => ({ email: m[1], password: m[2], role: m[3] }));
}

/** A small valid PDF: the council's decision and the reporter's evidence. */
function pdf(text) {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = `BT /F1 14 Tf 72 760 Td (${text}) Tj ET`;
  objects[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  let out = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A person at a browser: their own context (cookies), every response watched. */
async function person(browser, name) {
  const context = await browser.newContext({
    bypassCSP: true,
    locale: 'bg-BG',
    viewport: { width: 1366, height: 900 },
  });
  const page = await context.newPage();
  page.on('response', (r) => {
    if (r.url().startsWith(BASE) && r.status() >= 500) {
      failures.push(`[${name}] HTTP ${r.status()} from ${r.request().method()} ${r.url()}`);
    }
  });
  return { name, page, context };
}

/** Checks the page now shown: axe-core over it. */
async function checked(who, what) {
  const { page } = who;
  pages += 1;
  const path = new URL(page.url()).pathname;
  console.log(`  ${who.name}: ${what} (${path})`);
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(
    (tags) => globalThis.axe.run(document, { runOnly: { type: 'tag', values: tags } }),
    TAGS,
  );
  for (const v of result.violations) {
    const at = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ');
    failures.push(`[${who.name}] ${path}: ${v.id} (${v.impact}): ${v.help}\n     at ${at}`);
  }
}

/** Clicks `selector` (the first match that is visible) and waits for the page it leads to. */
async function follow(who, selector, what) {
  const { page } = who;
  const target = page.locator(selector).first();
  if ((await target.count()) === 0) {
    throw new Error(`${who.name}: nothing to click for ${what} (${selector}) on ${page.url()}`);
  }
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), target.click()]);
  await checked(who, what);
}

function expect(ok, message) {
  if (!ok) throw new Error(message);
}

async function text(who) {
  return who.page.locator('main').innerText();
}

async function logIn(who, account) {
  await who.page.goto(`${BASE}/`, { waitUntil: 'load' });
  await checked(who, 'start page');
  await follow(who, 'a[href^="/login"]', 'login page');
  await who.page.fill('#email', account.email);
  await who.page.fill('#password', account.password);
  await follow(who, 'form[action="/login"] button[type=submit]', 'after login');
  const path = new URL(who.page.url()).pathname;
  expect(path === '/work', `${who.name} landed on ${path}, not on their work (/work)`);
}

/** Back to "my work" through the header's link. */
async function home(who) {
  await follow(who, 'header a[href="/work"]', 'my work');
}

function isoDate(d) {
  return d.toISOString().slice(0, 10);
}

async function walk(browser) {
  const accounts = logins();
  const coordinatorAccount = accounts.find((a) => a.email.startsWith('koordinator.'));
  expect(coordinatorAccount, 'no coordinator among the demo accounts');
  const slug = coordinatorAccount.email.split('@')[0].slice('koordinator.'.length);
  const reviewerAccount = accounts.find((a) => a.email.startsWith(`zveno.${slug}@`));
  expect(reviewerAccount, `no reviewer of ${slug} among the demo accounts`);

  const coordinator = await person(browser, 'coordinator');
  const reviewer = await person(browser, 'reviewer');
  const reporter = await person(browser, 'reporter');
  const visitor = await person(browser, 'visitor');

  console.log('1. the coordinator opens a round and issues a submission link');
  await logIn(coordinator, coordinatorAccount);
  await follow(coordinator, 'main a[href^="/plans/"][href$="/rounds"]', 'rounds of a plan');
  const planPath = new URL(coordinator.page.url()).pathname.replace(/\/rounds$/, '');
  const year = await coordinator.page.locator('#year option').first().getAttribute('value');
  expect(year, 'no year to open a round for');
  await coordinator.page.selectOption('#year', year);
  const deadline = new Date(Date.now() + 60 * 86400 * 1000);
  await coordinator.page.fill('#deadline', isoDate(deadline));
  await follow(coordinator, 'form[action$="/rounds"] button[type=submit]', 'the new round');
  const roundPath = new URL(coordinator.page.url()).pathname;
  expect(/^\/rounds\/\d+$/.test(roundPath), `opening the round led to ${roundPath}`);
  await follow(coordinator, 'form[action$="/links"] button[type=submit]', 'the issued link');
  const link = (await coordinator.page.locator('main code').first().innerText()).trim();
  expect(link.startsWith(`${BASE}/s/`), `the issued link is not on this site: ${link}`);

  console.log('2. the reporter fills an update through the link, attaching evidence');
  await reporter.page.goto(link, { waitUntil: 'load' });
  await checked(reporter, 'the institution through the link');
  await follow(reporter, 'main a[href*="/updates/"]', 'an update form');
  const updatePath = new URL(reporter.page.url()).pathname;
  const measureHref = await reporter.page.locator('main a[href^="/plans/"][href*="/measures/"]').first().getAttribute('href');
  const p = reporter.page;
  const statusValue = await p.locator('#status option:not([value=""])').first().getAttribute('value');
  await p.selectOption('#status', statusValue);
  const typed = {
    '#spent\\.0\\.source': 'Общински бюджет',
    '#spent\\.0\\.amount': '1500,50',
    '#people_reached': '42',
    '#narrative': 'Проведени са четири срещи с родители в квартала; включиха се 42 семейства.',
  };
  // An indicator's value, whatever its kind (a number, a share, yes or no, text).
  const indicator = p.locator('main input[name^="value."], main input[name^="num."]').first();
  if ((await indicator.count()) > 0) {
    const id = await indicator.getAttribute('id');
    typed[`#${id.replace(/\./g, '\\.')}`] = '12';
    const den = id.startsWith('num.') ? `#den\\.${id.slice(4).replace(/\./g, '\\.')}` : null;
    if (den) typed[den] = '40';
  } else if ((await p.locator('main select[name^="value."]').count()) > 0) {
    await p.locator('main select[name^="value."]').first().selectOption('да');
  }
  for (const [sel, value] of Object.entries(typed)) await p.fill(sel, value);
  await p.fill('#evidence_title', 'Протокол от срещите');
  const keptAll = async (when) => {
    expect((await p.inputValue('#status')) === statusValue, `${when}: the status was lost`);
    for (const [sel, value] of Object.entries(typed)) {
      const now = await p.inputValue(sel);
      expect(now === value, `${when}: ${sel} reads "${now}", typed "${value}"`);
    }
  };
  // A file the site refuses: the form comes back with everything typed and says why.
  await p.setInputFiles('#evidence_file', { name: 'programa.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ not evidence') });
  await follow(reporter, 'button[value="evidence"]', 'a refused file');
  expect(await p.locator('#file-error').count() === 1, 'a refused file is not explained next to its field');
  await keptAll('after a refused file');
  expect((await p.inputValue('#evidence_title')) === 'Протокол от срещите', 'the evidence title was lost');
  // A good file: attached, the draft saved, the form back with everything.
  await p.setInputFiles('#evidence_file', { name: 'protokol.pdf', mimeType: 'application/pdf', buffer: pdf('Protokol') });
  await follow(reporter, 'button[value="evidence"]', 'evidence attached');
  expect(p.url().includes('done=evidence'), `attaching did not succeed: ${p.url()}`);
  await keptAll('after attaching evidence');
  expect((await text(reporter)).includes('Протокол от срещите'), 'the attached evidence is not listed');
  await follow(reporter, 'button[value="submit"]', 'update submitted');
  expect(p.url().includes('done=submitted'), `submitting did not succeed: ${p.url()}`);

  console.log('3. the reviewer returns it, the reporter fixes it, the reviewer approves');
  await logIn(reviewer, reviewerAccount);
  await follow(reviewer, `main a[href="${roundPath}"]`, 'the round');
  await follow(reviewer, `main a[href="${roundPath}/updates/${updatePath.split('/').pop()}"]`, 'the submitted update');
  await reviewer.page.fill('#reason', 'Посочете и кой е организирал срещите.');
  await follow(reviewer, 'button[value="return"]', 'update returned');
  expect(reviewer.page.url().includes('done=reviewed'), `returning did not succeed: ${reviewer.page.url()}`);

  await reporter.page.goto(link, { waitUntil: 'load' });
  await checked(reporter, 'the institution through the link again');
  await follow(reporter, `main a[href="${updatePath}"]`, 'the returned update');
  expect((await text(reporter)).includes('Посочете и кой е организирал срещите.'), 'the reason for returning is not shown');
  await keptAll('the returned update');
  const fixed = `${typed['#narrative']} Срещите организира медиаторът на общината.`;
  await p.fill('#narrative', fixed);
  await follow(reporter, 'button[value="submit"]', 'update submitted again');
  expect(p.url().includes('done=submitted'), `resubmitting did not succeed: ${p.url()}`);

  await home(reviewer);
  await follow(reviewer, `main a[href="${roundPath}"]`, 'the round');
  await follow(reviewer, `main a[href="${roundPath}/updates/${updatePath.split('/').pop()}"]`, 'the resubmitted update');
  await follow(reviewer, 'button[value="approve"]', 'update approved');
  expect(reviewer.page.url().includes('done=reviewed'), `approving did not succeed: ${reviewer.page.url()}`);

  console.log('4. the coordinator closes the round and starts the annual report');
  await home(coordinator);
  await follow(coordinator, `main a[href="${roundPath}"]`, 'the round');
  await follow(coordinator, `main a[href="${roundPath}/close"]`, 'closing the round: confirmation');
  await coordinator.page.check('#confirm');
  await follow(coordinator, 'main form button[type=submit]', 'the closed round');
  expect((await coordinator.page.locator(`main a[href="${roundPath}/close"]`).count()) === 0, 'the round still offers to close');
  await follow(coordinator, `#annual-report ~ p a[href="${planPath}/reports"]`, 'annual reports of the plan');
  await coordinator.page.selectOption('#year', year);
  await follow(coordinator, `form[action="${planPath}/reports"] button[type=submit]`, 'the new annual report');
  const reportPath = new URL(coordinator.page.url()).pathname;
  expect(/^\/reports\/\d+$/.test(reportPath), `starting the report led to ${reportPath}`);
  await follow(coordinator, `form[action="${reportPath}/submit"] button[type=submit]`, 'report submitted');

  console.log('5. the reviewer approves the report');
  await home(reviewer);
  await follow(reviewer, `main a[href="${reportPath}"]`, 'the report waiting for approval');
  await reviewer.page.fill('#approve-note', 'Одобрен без бележки.');
  await follow(reviewer, `form[action="${reportPath}/approve"] button[type=submit]`, 'report approved');

  console.log('6. the coordinator records the adoption and publishes');
  await home(coordinator);
  await follow(coordinator, `main a[href="${reportPath}"]`, 'the approved report');
  const c = coordinator.page;
  await c.fill('#decision_number', '123');
  await c.fill('#protocol_number', '7');
  await c.fill('#date', isoDate(new Date()));
  await c.setInputFiles('#file', { name: 'reshenie-123.pdf', mimeType: 'application/pdf', buffer: pdf('Reshenie 123') });
  await c.check('#confirm');
  await follow(coordinator, `form[action^="${reportPath}/adopt"] button[type=submit]`, 'adoption recorded');
  if ((await c.locator('#date_confirmed').count()) > 0) {
    // The date is questioned (the same day as the approval): confirmed, the file chosen again.
    await c.check('#date_confirmed');
    await c.setInputFiles('#file', { name: 'reshenie-123.pdf', mimeType: 'application/pdf', buffer: pdf('Reshenie 123') });
    await c.check('#confirm');
    await follow(coordinator, `form[action^="${reportPath}/adopt"] button[type=submit]`, 'adoption recorded');
  }
  await follow(coordinator, `main a[href="${reportPath}/publish"]`, 'publishing: confirmation');
  await c.check('#confirm');
  await follow(coordinator, 'main form button[type=submit]', 'report published');
  await follow(coordinator, `main a[href="${planPath}/reports/${year}"]`, 'the public report page');

  console.log('7. the public sees the report and the measure\'s history');
  await visitor.page.goto(`${BASE}/`, { waitUntil: 'load' });
  await checked(visitor, 'start page');
  await follow(visitor, `main a[href="${planPath}"]`, 'the plan');
  await follow(visitor, `main a[href="${planPath}/reports/${year}"], main a[href="${planPath}/reports"]`, 'the plan\'s reports');
  if (new URL(visitor.page.url()).pathname === `${planPath}/reports`) {
    await follow(visitor, `main a[href="${planPath}/reports/${year}"]`, 'the published report');
  }
  expect((await text(visitor)).includes(year), `the published report page does not name ${year}`);
  await follow(visitor, 'header a[href="/"], nav a[href="/"]', 'start page');
  await follow(visitor, `main a[href="${planPath}"]`, 'the plan');
  await follow(visitor, `main a[href="${measureHref}"]`, 'the measure');
  const measure = await text(visitor);
  expect(measure.includes(year), `the measure's page shows no history for ${year}`);
  expect(measure.includes('Срещите организира медиаторът'), 'the measure\'s page does not show the approved update');
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
let broke = null;
try {
  await walk(browser);
} catch (e) {
  broke = e;
}
await browser.close();
for (const f of failures) console.log(`FAIL ${f}`);
if (broke) console.log(`FAIL the walk stopped: ${broke.message}`);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`walk: ${pages} pages in ${seconds} s, ${failures.length + (broke ? 1 : 0)} problems`);
process.exit(failures.length > 0 || broke ? 1 : 0);
