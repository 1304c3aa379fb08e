// Login CSRF in headless Chromium, for hub/tests/admin_browser.rs: a page of another
// site (served here on 127.0.0.2) posts valid admin credentials to the hub's sign-in
// form, and later a sign-out; the hub must refuse both. A control sign-in from the
// hub's own page proves the credentials work.
// Prints one line per finding: CROSS_SIGNIN <status> <cookie?>, OWN_SIGNIN ok,
// CROSS_SIGNOUT <status> <still signed in?>.
// Environment: HUB_URL, ADMIN_USER, ADMIN_PASSWORD, CHROMIUM.
import { chromium } from "playwright-core";
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const hub = process.env.HUB_URL;
const wait = { timeout: 15000 };
const userDataDir = mkdtempSync(join(tmpdir(), "dermis-chromium-"));

function say(line) {
  process.stdout.write(line + "\n");
}

function escapeHtml(s) {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

// The attacker's site: auto-submitting forms aimed at the hub.
function attacker() {
  const user = escapeHtml(process.env.ADMIN_USER);
  const pass = escapeHtml(process.env.ADMIN_PASSWORD);
  const pages = {
    "/signin": `<!doctype html><title>Win a prize</title>
<form id="f" method="post" action="${hub}/admin/login?lang=en">
<input name="username" value="${user}"><input name="password" value="${pass}"></form>
<script>document.getElementById("f").submit()</script>`,
    "/signout": `<!doctype html><title>Win a prize</title>
<form id="f" method="post" action="${hub}/admin/logout?lang=en"></form>
<script>document.getElementById("f").submit()</script>`,
  };
  const server = createServer((req, res) => {
    const body = pages[req.url];
    res.writeHead(body ? 200 : 404, { "content-type": "text/html" });
    res.end(body || "");
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.2", () => resolve(server)));
}

async function sessionCookie(context) {
  return (await context.cookies(hub)).find((c) => c.name === "dermis_session");
}

async function main() {
  const evil = await attacker();
  const evilUrl = `http://127.0.0.2:${evil.address().port}`;
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  try {
    const page = context.pages()[0] || (await context.newPage());

    // 1. Cross-site sign-in: refused, no session.
    const [crossIn] = await Promise.all([
      page.waitForResponse((r) => r.url().startsWith(hub + "/admin/login") && r.request().method() === "POST", wait),
      page.goto(evilUrl + "/signin"),
    ]);
    const cookie = await sessionCookie(context);
    say(`CROSS_SIGNIN ${crossIn.status()} ${cookie ? "cookie" : "no-cookie"}`);

    // 2. The same credentials from the hub's own sign-in page work.
    await page.goto(hub + "/admin/login?lang=en");
    await page.fill("input[name=username]", process.env.ADMIN_USER);
    await page.fill("input[name=password]", process.env.ADMIN_PASSWORD);
    await Promise.all([page.waitForURL(/\/admin\?lang=en$/, wait), page.click("button[type=submit]")]);
    if (!(await sessionCookie(context))) throw new Error("no session after a same-site sign-in");
    say("OWN_SIGNIN ok");

    // 3. Cross-site sign-out: refused, still signed in.
    const [crossOut] = await Promise.all([
      page.waitForResponse((r) => r.url().startsWith(hub + "/admin/logout") && r.request().method() === "POST", wait),
      page.goto(evilUrl + "/signout"),
    ]);
    await page.goto(hub + "/admin?lang=en");
    const signedIn = !page.url().includes("/admin/login") && (await sessionCookie(context)) !== undefined;
    say(`CROSS_SIGNOUT ${crossOut.status()} ${signedIn ? "signed-in" : "signed-out"}`);
  } finally {
    await context.close();
    evil.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write("cross_site.mjs: " + (e && e.stack ? e.stack : e) + "\n");
    process.exit(1);
  },
);
