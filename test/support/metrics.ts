/** A counter's value from an app's /metrics at `url` (summed over its labels). */
export async function metricTotal(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** A counter with one label from an app's /metrics at `url`, by label value. */
export async function metricByLabel(url: string, name: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(new RegExp(`^${name}\\{[a-z_]+="([^"]+)"\\} ([\\d.e+-]+)$`, 'gm'))) out[m[1]] = Number(m[2]);
  return out;
}
