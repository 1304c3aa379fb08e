// /admin/reports in headless Chromium, for hub/tests/admin_browser.rs: signs in, opens a
// clinic's report for a given period, reads what an accountant would look at, downloads
// the sales CSV from its link, follows a preset link, and (with SCREENSHOT set) saves a
// full-page picture.
// Prints one line per finding: SECTIONS <ids>, CHARTS <count>, NET_TOTAL <text>,
// STOCK_TOTAL <text>, ALIGN <text-align of a figure>, CSV <header's first columns>,
// PRESET <from>..<to>.
// Environment: HUB_URL, ADMIN_USER, ADMIN_PASSWORD, CLINIC, FROM, TO, CHROMIUM,
// SCREENSHOT (optional path).
import { chromium } from "playwright-core";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const hub = process.env.HUB_URL;
const wait = { timeout: 15000 };
const userDataDir = mkdtempSync(join(tmpdir(), "dermis-chromium-"));

function say(line) {
  process.stdout.write(line + "\n");
}

async function main() {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    await page.goto(hub + "/admin/login?lang=en");
    await page.fill("input[name=username]", process.env.ADMIN_USER);
    await page.fill("input[name=password]", process.env.ADMIN_PASSWORD);
    await Promise.all([page.waitForURL(/\/admin\?lang=en$/, wait), page.click("button[type=submit]")]);

    // From the navigation, then the period through the form, as an admin would.
    await Promise.all([page.waitForURL(/\/admin\/reports/, wait), page.click("nav a[href^='/admin/reports']")]);
    await page.selectOption("select[name=clinic]", process.env.CLINIC);
    await page.fill("input[name=from]", process.env.FROM);
    await page.fill("input[name=to]", process.env.TO);
    await Promise.all([page.waitForURL(/from=/, wait), page.click("form.filters button[type=submit]")]);

    const sections = await page.$$eval("main h2[id]", (hs) => hs.map((h) => h.id).join(","));
    say("SECTIONS " + sections);
    const charts = await page.locator("svg.chart").count();
    say("CHARTS " + charts);
    say("NET_TOTAL " + (await page.textContent("table.sales tfoot td:nth-child(8)")).trim());
    say("STOCK_TOTAL " + (await page.textContent("table.stock tfoot td.num")).trim());
    const align = await page.$eval("table.sales tbody td.num", (td) => getComputedStyle(td).textAlign);
    say("ALIGN " + align);

    if (process.env.SCREENSHOT) {
      await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
    }

    const [download] = await Promise.all([page.waitForEvent("download", wait), page.click("h2#sales a.csv")]);
    const file = await download.path();
    const text = readFileSync(file, "utf8");
    say("CSV " + download.suggestedFilename() + " " + text.split("\r\n")[0].split(",").slice(0, 4).join(","));

    await Promise.all([page.waitForURL(/preset=last-month/, wait), page.click("p.presets a[href*='last-month']")]);
    const from = await page.inputValue("input[name=from]");
    const to = await page.inputValue("input[name=to]");
    say(`PRESET ${from}..${to}`);
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + "\n");
  process.exit(1);
});
