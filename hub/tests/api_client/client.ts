// The /api/v1 walk-through with a client generated from docs/openapi.json: if the
// description drifts from the server, this either stops type-checking (tsc) or fails
// here (a status or a body the description does not allow). Run by
// hub/tests/api_client.rs against a real hub; prints one line per check.
import createClient from "openapi-fetch";
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { paths } from "./generated/schema.js";


const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const baseUrl = env("HUB_URL");
const readWrite = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${env("KEY_RW")}` } });
const readOnly = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${env("KEY_READ")}` } });
const anonymous = createClient<paths>({ baseUrl });

// Every body is checked against the description's own schema.
const doc = JSON.parse(readFileSync(env("OPENAPI_JSON"), "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
for (const f of ["int32", "int64", "uint32", "uint64", "uint16"]) ajv.addFormat(f, true);
ajv.addSchema(doc, "openapi");

function check(what: string, schema: string, body: unknown): void {
  const validate = ajv.getSchema(`openapi#/components/schemas/${schema}`);
  if (!validate) throw new Error(`no schema ${schema}`);
  if (!validate(body)) {
    throw new Error(`${what}: the body does not match ${schema}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
  }
  console.log(`ok ${what} (${schema})`);
}

function expect(what: string, cond: boolean, detail: unknown = ""): void {
  if (!cond) throw new Error(`${what}: ${JSON.stringify(detail)}`);
  console.log(`ok ${what}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  // Create three patients; the answer is 201 with the id and Location.
  const created: string[] = [];
  for (const first_name of ["Anna", "Boris", "Chloé"]) {
    const { data, error, response } = await readWrite.POST("/api/v1/patients", {
      body: { first_name, last_name: "Client", birth_date: "1990-01-02", sex: "unknown" },
    });
    expect(`POST /api/v1/patients ${first_name} → 201`, response.status === 201 && !error, error);
    check("POST /api/v1/patients", "Created", data);
    expect("Location", response.headers.get("location") === `/api/v1/patients/${data?.id}`);
    created.push(data!.id);
  }

  // Listed once the projector has seen them; page through with limit 1.
  let listed: string[] = [];
  for (let i = 0; i < 200 && listed.length < 3; i++) {
    const { data } = await readOnly.GET("/api/v1/patients", { params: { query: { q: "client", limit: 500 } } });
    listed = (data?.items ?? []).map((p) => p.id);
    if (listed.length < 3) await sleep(50);
  }
  expect("the three patients are listed", created.every((id) => listed.includes(id)), listed);
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const { data, response } = await readOnly.GET("/api/v1/patients", {
      params: { query: { q: "client", limit: 1, cursor } },
    });
    expect(`page ${page} → 200`, response.status === 200);
    check(`GET /api/v1/patients page ${page}`, "PatientPage", data);
    seen.push(...(data?.items ?? []).map((p) => p.id));
    if (!data?.next_cursor) break;
    cursor = data.next_cursor;
  }
  expect("pages neither skip nor repeat", seen.length === 3 && new Set(seen).size === 3, seen);

  // One patient, then the same body again with its ETag: 304.
  const one = await readOnly.GET("/api/v1/patients/{id}", { params: { path: { id: created[0]! } } });
  check("GET /api/v1/patients/{id}", "PatientRecord", one.data);
  expect("first_name", one.data?.first_name === "Anna", one.data);
  const etag = one.response.headers.get("etag") ?? "";
  const again = await readOnly.GET("/api/v1/patients/{id}", {
    params: { path: { id: created[0]! } },
    headers: { "If-None-Match": etag },
  });
  expect("If-None-Match → 304", again.response.status === 304);

  // An appointment for the first patient, then the window that holds it.
  const appt = await readWrite.POST("/api/v1/appointments", {
    body: { patient_id: created[0]!, title: "Check-up", start: "2031-05-04T09:00:00Z", end: "2031-05-04T09:20:00Z" },
  });
  expect("POST /api/v1/appointments → 201", appt.response.status === 201, appt.error);
  check("POST /api/v1/appointments", "Created", appt.data);
  let appts: string[] = [];
  for (let i = 0; i < 200 && !appts.includes(appt.data!.id); i++) {
    const { data } = await readOnly.GET("/api/v1/appointments", { params: { query: { from: "2031-05-04", to: "2031-05-05" } } });
    check("GET /api/v1/appointments", "AppointmentPage", data);
    appts = (data?.items ?? []).map((a) => a.id);
    if (!appts.includes(appt.data!.id)) await sleep(50);
  }
  expect("the appointment is listed", appts.includes(appt.data!.id), appts);

  // The other lists, each against its schema.
  const encounters = await readOnly.GET("/api/v1/encounters", { params: { query: { patient: created[0]! } } });
  check("GET /api/v1/encounters", "EncounterPage", encounters.data);
  const photos = await readOnly.GET("/api/v1/photos", { params: { query: { limit: 10 } } });
  check("GET /api/v1/photos", "PhotoPage", photos.data);
  const products = await readOnly.GET("/api/v1/products", {});
  check("GET /api/v1/products", "ProductPage", products.data);
  const stock = await readOnly.GET("/api/v1/stock", {});
  check("GET /api/v1/stock", "StockList", stock.data);
  const sales = await readOnly.GET("/api/v1/sales", { params: { query: { from: "2026-01-01", to: "2026-02-01" } } });
  check("GET /api/v1/sales", "SalePage", sales.data);

  // Errors are problems naming the field.
  const tooMany = await readOnly.GET("/api/v1/patients", { params: { query: { limit: 501 } } });
  expect("limit=501 → 400", tooMany.response.status === 400);
  check("limit=501", "Problem", tooMany.error);
  expect("names limit", tooMany.error?.field === "limit", tooMany.error);
  const readKeyWrites = await readOnly.POST("/api/v1/patients", { body: { first_name: "No", last_name: "Way" } });
  expect("a read key POSTing → 403", readKeyWrites.response.status === 403);
  check("read key POST", "Problem", readKeyWrites.error);
  const future = await readWrite.POST("/api/v1/patients", {
    body: { first_name: "Future", last_name: "Born", birth_date: "2999-01-01" },
  });
  expect("a birth date in the future → 422", future.response.status === 422);
  check("422", "Problem", future.error);
  expect("names birth_date", future.error?.field === "birth_date", future.error);
  const nobody = await anonymous.GET("/api/v1/stock", {});
  expect("no key → 401", nobody.response.status === 401);
  check("401", "Problem", nobody.error);
  const missing = await readOnly.GET("/api/v1/patients/{id}", {
    params: { path: { id: "0190f0a8-0000-7000-8000-00000000dead" } },
  });
  expect("an unknown id → 404", missing.response.status === 404);
  check("404", "Problem", missing.error);
  console.log("all checks passed");
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
