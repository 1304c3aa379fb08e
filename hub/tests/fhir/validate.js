// Validates FHIR R4 JSON against the published R4 definitions (the npm `fhir` package).
// Reads NDJSON on stdin (one resource a line); a Bundle's entries are validated too, each
// as itself. Prints one JSON line: {"checked": n, "invalid": [{line, resourceType, id, messages}]}.
// Warnings are not failures; errors (and unexpected properties) are.
'use strict';
const { Fhir } = require('fhir');
const fhir = new Fhir();
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const invalid = [];
  let checked = 0;
  const check = (resource, line) => {
    checked += 1;
    const result = fhir.validate(resource, { errorOnUnexpected: true });
    const errors = (result.messages || []).filter((m) => m.severity === 'error');
    if (!result.valid || errors.length > 0) {
      invalid.push({
        line,
        resourceType: resource && resource.resourceType,
        id: resource && resource.id,
        messages: errors.map((m) => `${m.location}: ${m.message}`),
      });
    }
  };
  input.split('\n').forEach((text, index) => {
    if (text.trim() === '') return;
    let resource;
    try {
      resource = JSON.parse(text);
    } catch (e) {
      invalid.push({ line: index + 1, messages: [`not JSON: ${e.message}`] });
      return;
    }
    check(resource, index + 1);
    if (resource && resource.resourceType === 'Bundle' && Array.isArray(resource.entry)) {
      resource.entry.forEach((entry) => {
        if (entry && entry.resource) check(entry.resource, index + 1);
      });
    }
  });
  process.stdout.write(JSON.stringify({ checked, invalid }) + '\n');
});
