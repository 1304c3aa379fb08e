// A clinic-limited admin in headless Chromium, for hub/tests/admin_browser.rs: signs in,
// sees its own clinic's workstation go online live, sees nothing of the other clinic,
// has no Health or Jobs in the navigation, and reaching for them (or for the other
// clinic's workstation by address) gets the refusal page.
// Prints one line per finding: OWN <state>, OTHER <count>, NAV <sections>,
// FOREIGN_NODE <status> <text>, HEALTH <status> <text>.
// Talks to the test over stdio: prints READY when the page shows its node offline
// (the test then connects that node).
// Environment: HUB_URL, ADMIN_USER, ADMIN_PASSWORD, OWN_NODE, OTHER_NODE, OTHER_CLINIC,
// CHROMIUM.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
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
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    await page.goto(hub + "/admin?lang=en");
    await page.waitForURL(/\/admin\/login/, wait);
    await page.fill("input[name=username]", process.env.ADMIN_USER);
    await page.fill("input[name=password]", process.env.ADMIN_PASSWORD);
    await Promise.all([page.waitForURL(/\/admin\?lang=en$/, wait), page.click("button[type=submit]")]);

    const own = `tr[data-node="${process.env.OWN_NODE}"]`;
    await page.waitForSelector(`${own}[data-online="false"]`, wait);
    await page.waitForSelector("#live-state.on", wait);
    say("READY");
    await page.waitForSelector(`${own}[data-online="true"]`, wait);
    // Online shows at once; the node's cursor and deliveries reach its row when its session
    // writes its status (at most 250 ms later): wait for them to settle, then say what shows.
    await page.waitForSelector(`${own}[data-state="ok"]`, wait).catch(() => {});
    say("OWN " + (await page.getAttribute(own, "data-state")));
    const other =
      (await page.locator(`tr[data-node="${process.env.OTHER_NODE}"]`).count()) +
      (await page.locator(`section[data-clinic="${process.env.OTHER_CLINIC}"]`).count());
    say("OTHER " + other);
    const nav = await page.$$eval("nav a", (links) => links.map((a) => new URL(a.href).pathname).join(","));
    say("NAV " + nav);

    const foreign = await page.goto(hub + `/admin/nodes/${process.env.OTHER_NODE}?lang=en`);
    say(`FOREIGN_NODE ${foreign.status()} ${(await page.textContent("main")).trim().split("\n").pop().trim()}`);
    const health = await page.goto(hub + "/admin/health?lang=en");
    say(`HEALTH ${health.status()} ${(await page.textContent("[role=alert]")).trim()}`);
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + "\n");
  process.exit(1);
});
