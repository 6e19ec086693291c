import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/api-client';

export function Loading({ what }: { what: string }) {
  return (
    <p class="state loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** A failed load or action, with the api's code and every field it named. */
export function ErrorNotice({ error, retry }: { error: unknown; retry?: () => void }) {
  const apiError = error instanceof ApiError ? error : undefined;
  return (
    <div class="state error" role="alert">
      <strong>{apiError ? `${apiError.code} (${apiError.status || 'no answer'})` : 'Error'}</strong> {error instanceof Error ? error.message : String(error)}
      {apiError && apiError.details.length > 0 && (
        <ul>
          {apiError.details.map((detail) => (
            <li key={detail.path}>
              <code>{detail.path}</code>: {detail.message}
            </li>
          ))}
        </ul>
      )}
      {retry && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state empty">{children}</p>;
}
