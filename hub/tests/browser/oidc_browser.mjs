// Single sign-on in headless Chromium, for hub/tests/admin/oidc.rs: from the hub's
// sign-in page, through the OpenID Provider (which answers its own screens at once),
// back to /admin signed in. Proves the session cookie (SameSite=Strict) is set and sent
// although the browser came back from another site.
// Prints `SIGNED_IN <username>` and the path it ended on.
// Environment: HUB_URL, CHROMIUM.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const hub = process.env.HUB_URL;
const wait = { timeout: 15000 };
const userDataDir = mkdtempSync(join(tmpdir(), "dermis-chromium-"));

async function main() {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    await page.goto(hub + "/admin/login?lang=en");
    await Promise.all([page.waitForURL(/\/admin\?lang=en$/, wait), page.click("a[data-sso]")]);
    await page.waitForSelector("form.who b", wait);
    const who = (await page.textContent("form.who b")).trim();
    process.stdout.write(`SIGNED_IN ${who} ${new URL(page.url()).pathname}\n`);
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + "\n");
  process.exit(1);
});
