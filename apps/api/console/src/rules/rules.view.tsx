import { useRef, useState } from 'preact/hooks';
import { ApiError, type FieldError, getText, send } from '../api/api-client';
import { ErrorNotice, Loading } from '../ui/states';
import { useResource } from '../ui/use-resource';
import { lineOfPath } from './yaml-locations';

type ViewProps = { params: Readonly<Record<string, string>>; setParams: (changes: Readonly<Record<string, string | undefined>>) => void };

interface Located extends FieldError {
  readonly line: number | undefined;
}

function RulesEditor({ initial }: { initial: string }) {
  const [text, setText] = useState(initial);
  const [errors, setErrors] = useState<readonly Located[]>([]);
  const [failure, setFailure] = useState<unknown>(undefined);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const editor = useRef<HTMLTextAreaElement>(null);
  const goToLine = (line: number | undefined) => {
    const area = editor.current;
    if (!area || !line) return;
    const start = text.split('\n').slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0);
    area.focus();
    area.setSelectionRange(start, start + (text.split('\n')[line - 1]?.length ?? 0));
  };
  const save = (event: Event) => {
    event.preventDefault();
    setErrors([]);
    setFailure(undefined);
    setSaved(undefined);
    send<{ created: string[]; updated: string[]; deleted: string[] }>('POST', '/v1/rules/import', text, 'application/yaml').then(
      (result) => { setSaved(`saved: ${result?.created.length ?? 0} created, ${result?.updated.length ?? 0} updated`); },
      (error: unknown) => {
        if (error instanceof ApiError && error.details.length > 0) setErrors(error.details.map((detail) => ({ ...detail, line: lineOfPath(text, detail.path) })));
        else setFailure(error);
      },
    );
  };
  return (
    <form onSubmit={save} class="rules-editor" aria-label="Rules">
      <label for="rules-yaml">Rules as YAML (saving creates or replaces the rules in it; rules not in it stay)</label>
      <textarea id="rules-yaml" ref={editor} spellcheck={false} rows={28} value={text} onInput={(event) => setText(event.currentTarget.value)} aria-invalid={errors.length > 0} aria-describedby="rule-errors" />
      <div id="rule-errors" class="field-errors" role="alert">
        {errors.length > 0 && <p>{errors.length} problem{errors.length > 1 ? 's' : ''}; nothing was saved:</p>}
        <ul>
          {errors.map((error) => (
            <li key={error.path} data-path={error.path}>
              <button type="button" class="link" onClick={() => goToLine(error.line)}>{error.line ? `line ${error.line}` : 'document'}</button> <code>{error.path}</code>: {error.message}
            </li>
          ))}
        </ul>
      </div>
      <button type="submit">Save rules</button> {saved && <span role="status">{saved}</span>}
      {failure !== undefined && <ErrorNotice error={failure} />}
    </form>
  );
}

export function RulesView(_: ViewProps) {
  const { resource, reload } = useResource((signal) => getText('/v1/rules.yaml', signal), []);
  if (resource.status === 'loading') return <Loading what="rules" />;
  if (resource.status === 'error') return <ErrorNotice error={resource.error} retry={reload} />;
  return <RulesEditor initial={resource.data} />;
}
