// Drives headless Chromium through the hub's /admin pages for hub/tests/admin_browser.rs.
// Talks to the test over stdio: prints READY when the page shows the node offline
// (the test then connects the node), ONLINE when the row turned online without a
// reload (the test then disconnects it), OFFLINE when it turned offline again; then,
// given JOB_ID, retries that dead job on /admin/jobs and prints RETRIED.
// Environment: HUB_URL, ADMIN_USER, ADMIN_PASSWORD, NODE_ID, JOB_ID, CHROMIUM, SCREENSHOT_DIR.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const hub = process.env.HUB_URL;
const node = process.env.NODE_ID;
const shots = process.env.SCREENSHOT_DIR;
const wait = { timeout: 15000 };
const userDataDir = mkdtempSync(join(tmpdir(), "dermis-chromium-"));

function say(line) {
  process.stdout.write(line + "\n");
}

async function main() {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--no-first-run",
    ],
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    const problems = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });

    await page.goto(hub + "/admin?lang=en");
    await page.waitForURL(/\/admin\/login/, wait);
    await page.fill("input[name=username]", process.env.ADMIN_USER);
    await page.fill("input[name=password]", process.env.ADMIN_PASSWORD);
    await Promise.all([page.waitForURL(/\/admin\?lang=en$/, wait), page.click("button[type=submit]")]);

    const row = `tr[data-node="${node}"]`;
    await page.waitForSelector(`${row}[data-online="false"]`, wait);
    await page.waitForSelector("#live-state.on", wait);
    // Survives only if the page is never reloaded.
    await page.evaluate(() => { window.dermisNoReload = "kept"; });
    if (shots) await page.screenshot({ path: join(shots, "admin-offline.png"), fullPage: true });
    say("READY");

    await page.waitForSelector(`${row}[data-online="true"]`, wait);
    if ((await page.evaluate(() => window.dermisNoReload)) !== "kept") throw new Error("the page reloaded");
    const online = await page.textContent(`${row} .signal`);
    if (shots) await page.screenshot({ path: join(shots, "admin-online.png"), fullPage: true });
    say("ONLINE " + online.trim());

    await page.waitForSelector(`${row}[data-online="false"][data-state="offline"]`, wait);
    if ((await page.evaluate(() => window.dermisNoReload)) !== "kept") throw new Error("the page reloaded");
    const offline = (await page.textContent(`${row} .signal`)).trim();
    if (!offline.startsWith("Offline since")) throw new Error("unexpected offline text: " + offline);
    say("OFFLINE " + offline);

    // The pages of webhooks and projections: in the navigation, live, and translated.
    for (const [path, title] of [
      ["/admin/webhooks", "Webhook deliveries"],
      ["/admin/stock", "Negative stock"],
      ["/admin/conflicts", "Open conflicts"],
      ["/admin/staff", "Staff and role changes"],
    ]) {
      await Promise.all([page.waitForURL(new RegExp(path), wait), page.click(`nav a[href^="${path}?"]`)]);
      const heading = (await page.textContent("h1")).trim();
      if (heading !== title) throw new Error(`${path}: heading ${heading}`);
      await page.waitForSelector("#live-state.on", wait);
      await page.waitForSelector("#live p.intro", wait);
      if (shots) await page.screenshot({ path: join(shots, `admin-${path.split("/").pop()}.png`), fullPage: true });
    }
    await page.goto(hub + "/admin/stock?lang=hy");
    const armenian = (await page.textContent("h1")).trim();
    if (armenian !== "Բացասական մնացորդներ") throw new Error("Armenian heading: " + armenian);
    say("PAGES ok");

    // A dead job on /admin/jobs goes back to the queue with its retry button.
    const job = process.env.JOB_ID;
    if (job) {
      await page.goto(hub + "/admin/jobs?lang=en");
      const jobRow = `tr[data-job="${job}"]`;
      await page.waitForSelector(`${jobRow}[data-state="dead"]`, wait);
      // The first live update re-renders the table; click after it, not during it.
      await page.waitForSelector("[data-live][data-updates]", wait);
      if (shots) await page.screenshot({ path: join(shots, "admin-jobs.png"), fullPage: true });
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url().includes(`/admin/jobs/${job}/retry`), wait),
        page.click(`button[data-retry="${job}"]`),
      ]);
      if (answer.status() !== 303) {
        throw new Error(`retry answered ${answer.status()}: ${await answer.text()}`);
      }
      await page.waitForURL(/\/admin\/jobs\?lang=en$/, wait);
      await page.waitForSelector(`${jobRow}[data-state="pending"]`, wait);
      say("RETRIED " + (await page.textContent(`${jobRow} .signal`)).trim());
    }

    if (problems.length) throw new Error("errors in the page: " + problems.join("; "));
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write("admin.mjs: " + (e && e.stack ? e.stack : e) + "\n");
    process.exit(1);
  },
);
