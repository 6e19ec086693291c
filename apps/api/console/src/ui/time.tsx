import { formatInstant } from './format';

/** An instant in the viewer's zone; the UTC instant on hover (and for screen readers, via datetime). */
export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span>—</span>;
  const { local, utc } = formatInstant(iso);
  return (
    <time dateTime={iso} title={utc}>
      {local}
    </time>
  );
}
