/**
 * `/docs`: the OpenAPI and AsyncAPI documents rendered as one plain HTML page on the server. No script
 * and nothing fetched: the page works offline, behind any proxy, and under a CSP that forbids scripts.
 */

// Walking two JSON documents of known shape: `any` keeps the rendering readable.
type Json = Record<string, any>;

const escape = (text: unknown) => String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const code = (text: unknown) => `<code>${escape(text)}</code>`;
const anchor = (kind: string, name: string) => `${kind}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

/** A schema in a line: its type, bounds and pattern, or the component it names. */
function schemaLine(schema: Json | undefined): string {
  if (!schema) return '';
  if (schema.$ref) return `<a href="#${anchor('schema', refName(schema.$ref))}">${escape(refName(schema.$ref))}</a>`;
  const facts = [
    schema.enum ? `one of ${schema.enum.map((v: unknown) => code(v)).join(', ')}` : escape([schema.type ?? (schema.anyOf ? 'any of several' : 'any')].flat().join(' or ')),
    schema.format && `format ${escape(schema.format)}`,
    schema.minimum !== undefined && `≥ ${escape(schema.minimum)}`,
    schema.maximum !== undefined && `≤ ${escape(schema.maximum)}`,
    schema.minLength !== undefined && `length ≥ ${escape(schema.minLength)}`,
    schema.maxLength !== undefined && `length ≤ ${escape(schema.maxLength)}`,
    schema.pattern && `pattern ${code(schema.pattern)}`,
    schema.default !== undefined && `default ${code(JSON.stringify(schema.default))}`,
  ];
  return facts.filter(Boolean).join(', ');
}

/** An object schema as a table of its fields; anything else as a line. */
function schemaBlock(schema: Json | undefined): string {
  if (!schema?.properties) return `<p>${schemaLine(schema)}</p>`;
  const required = new Set<string>(schema.required ?? []);
  const rows = Object.entries(schema.properties as Record<string, Json>).map(
    ([name, field]) => `<tr><td>${code(name)}${required.has(name) ? '' : ' <small>optional</small>'}</td><td>${schemaLine(field)}${field.items ? ` of ${schemaLine(field.items)}` : ''}</td><td>${escape(field.description)}</td></tr>`,
  );
  return `<table><tr><th>field</th><th>schema</th><th>about</th></tr>${rows.join('')}</table>${schema.additionalProperties === false ? '<p><small>no other fields</small></p>' : ''}`;
}

function operationHtml(path: string, method: string, op: Json): string {
  const parameters = (op.parameters ?? []) as Json[];
  const body = op.requestBody as Json | undefined;
  const responses = Object.entries(op.responses as Record<string, Json>);
  return `<section class="op" id="${anchor('op', op.operationId)}">
<h3><span class="method ${method}">${method.toUpperCase()}</span> ${code(path)}</h3>
<p>${escape(op.summary)}</p>${op.description ? `<p class="muted">${escape(op.description)}</p>` : ''}
${parameters.length ? `<table><tr><th>parameter</th><th>in</th><th>schema</th><th>about</th></tr>${parameters.map((p) => `<tr><td>${code(p.name)}${p.required ? '' : ' <small>optional</small>'}</td><td>${escape(p.in)}</td><td>${schemaLine(p.schema)}</td><td>${escape(p.description)}</td></tr>`).join('')}</table>` : ''}
${body ? `<h4>Body ${body.required ? '' : '<small>optional</small>'} (${Object.keys(body.content).map(code).join(', ')})</h4>${body.description ? `<p class="muted">${escape(body.description)}</p>` : ''}${schemaBlock((Object.values(body.content)[0] as Json).schema)}` : ''}
<h4>Answers</h4><ul>${responses.map(([status, r]) => `<li><b>${escape(status)}</b> ${escape(r.description)}${r.content ? ` — ${schemaLine((Object.values(r.content)[0] as Json).schema)}` : ''}</li>`).join('')}</ul>
</section>`;
}

function channelHtml(key: string, channel: Json, asyncapi: Json): string {
  const messages = Object.values(channel.messages as Record<string, Json>).map((m) => asyncapi.components.messages[refName(m.$ref)] as Json);
  const kafka = channel.bindings?.kafka as Json | undefined;
  const parameters = Object.entries((channel.parameters ?? {}) as Record<string, Json>);
  return `<section class="op" id="${anchor('channel', key)}">
<h3>${code(channel.address)}</h3><p>${escape(channel.description)}</p>
${kafka ? `<p class="muted">${escape(kafka.partitions)} partitions, cleanup ${escape(kafka.topicConfiguration['cleanup.policy'].join(', '))}, retention ${kafka.topicConfiguration['retention.ms'] < 0 ? 'unlimited' : `${escape(kafka.topicConfiguration['retention.ms'] / 86_400_000)} days`}</p>` : ''}
${parameters.length ? `<ul>${parameters.map(([name, p]) => `<li>${code(`{${name}}`)}: ${escape(p.description)}${p.enum ? ` (${p.enum.map(code).join(', ')})` : ''}</li>`).join('')}</ul>` : ''}
${messages
  .map(
    (m) => `<h4>${escape(m.name)}: ${escape(m.summary)}</h4><p>Key: ${escape(m.bindings.kafka.key.description)}. Headers: ${Object.keys(m.headers.properties).map(code).join(', ')}.</p>
<details><summary>payload</summary>${schemaBlock(m.payload)}</details>`,
  )
  .join('')}
</section>`;
}

export function renderDocsPage(openapi: Json, asyncapi: Json): string {
  const operations = Object.entries(openapi.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));
  const byTag = (openapi.tags as Json[]).map((tag) => `<h2 id="${anchor('tag', tag.name)}">${escape(tag.name)}</h2><p>${escape(tag.description)}</p>${operations.filter(({ op }) => op.tags[0] === tag.name).map(({ path, method, op }) => operationHtml(path, method, op)).join('')}`);
  const schemas = Object.entries(openapi.components.schemas as Record<string, Json>).map(([name, schema]) => `<section class="op" id="${anchor('schema', name)}"><h3>${escape(name)}</h3>${schemaBlock(schema)}</section>`);
  const channels = Object.entries(asyncapi.channels as Record<string, Json>).map(([key, channel]) => channelHtml(key, channel, asyncapi));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>airan API and topics</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 2rem;color:#1d2330}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #d5dae3;padding-top:1rem}h3{margin:.2rem 0}
.op{border:1px solid #d5dae3;border-radius:6px;padding:.6rem 1rem;margin:.8rem 0}
.method{display:inline-block;min-width:4.5rem;text-align:center;border-radius:4px;color:#fff;font-size:13px;padding:1px 6px;margin-right:.4rem}
.get{background:#2f6fd6}.post{background:#2e8b57}.put{background:#b8860b}.delete{background:#c0392b}
table{border-collapse:collapse;width:100%;margin:.4rem 0}td,th{border:1px solid #e3e7ee;padding:3px 6px;text-align:left;vertical-align:top;font-size:14px}
code{background:#f2f4f8;padding:0 3px;border-radius:3px}.muted{color:#5b6475}small{color:#7a8291}
nav a{margin-right:1rem}
</style></head><body>
<h1>airan API and topics</h1>
<p class="muted">Generated by the running api from the same schemas that validate its requests and describe its topics. Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escape(openapi.openapi)}), <a href="/asyncapi.json">/asyncapi.json</a> (AsyncAPI ${escape(asyncapi.asyncapi)}).</p>
<nav>${(openapi.tags as Json[]).map((t) => `<a href="#${anchor('tag', t.name)}">${escape(t.name)}</a>`).join('')}<a href="#topics">topics</a><a href="#schemas">schemas</a></nav>
<p>${escape(openapi.info.description)}</p>
${byTag.join('')}
<h2 id="topics">Kafka topics</h2><p>${escape(asyncapi.info.description)}</p>${channels.join('')}
<h2 id="schemas">HTTP schemas</h2>${schemas.join('')}
</body></html>`;
}
